#!/usr/bin/python3
"""Prints the TCP port a process listens on (from /proc, no extra tools).

usage: listen-port.py PID   (exit 1 when the process listens on nothing yet)

Jupyter Notebook 6 binds port 0 correctly but reports 0 in its URL, so the harness
asks the kernel which port the server's socket really got.
"""
import os
import sys


def socket_inodes(pid):
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue  # fd closed meanwhile
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def listening_ports(inodes):
    ports = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    cols = line.split()
                    local, state, inode = cols[1], cols[3], cols[9]
                    if state == "0A" and inode in inodes:  # 0A = LISTEN
                        ports.append(int(local.rsplit(":", 1)[1], 16))
        except FileNotFoundError:
            pass
    return ports


def main():
    pid = int(sys.argv[1])
    try:
        ports = listening_ports(socket_inodes(pid))
    except FileNotFoundError:
        print(f"listen-port: process {pid} is gone", file=sys.stderr)
        return 2
    if not ports:
        return 1
    print(ports[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
