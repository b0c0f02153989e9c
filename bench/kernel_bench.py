#!/usr/bin/python3
"""Kernel figures through jupyter_client, jbox side by side with ipykernel in the same run.

  startup      launch -> first kernel_info_reply (median of --starts runs)
  execute      trivial execute round trip (reply + idle), p50 and p99 over --runs runs
  stdout       a cell printing --lines lines: MB/s from execute to idle, and bytes lost

Usage: bench/kernel_bench.py [--runs 200] [--lines 100000] [--starts 3]   (needs kernel/target/jbox.jar)
"""
import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jbox_harness import collect, install_kernelspecs  # noqa: E402
from jupyter_client.manager import start_new_kernel  # noqa: E402

KERNELS = {
    "jbox": {"trivial": "1", "flood": 'for (int i = 0; i < {n}; i++) System.out.println("line " + i);'},
    "python3": {"trivial": "1", "flood": 'for i in range({n}): print("line", i)'},
}


def expected_bytes(n):
    return sum(len("line %d\n" % i) for i in range(n))


def measure(name, args):
    starts = []
    for _ in range(args.starts):
        t = time.perf_counter()
        km, kc = start_new_kernel(kernel_name=name, startup_timeout=60)
        starts.append(time.perf_counter() - t)
        if _ < args.starts - 1:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
    code = KERNELS[name]
    for _ in range(20):  # warm up
        collect(kc, kc.execute(code["trivial"]))
    rtts = []
    for _ in range(args.runs):
        t = time.perf_counter()
        collect(kc, kc.execute(code["trivial"]))
        rtts.append(time.perf_counter() - t)
    rtts.sort()
    t = time.perf_counter()
    _, out = collect(kc, kc.execute(code["flood"].format(n=args.lines)), timeout=300)
    elapsed = time.perf_counter() - t
    got = sum(len(m["content"]["text"].encode()) for m in out if m["msg_type"] == "stream")
    want = expected_bytes(args.lines)
    kc.stop_channels()
    km.shutdown_kernel(now=True)
    return {
        "startup_s": statistics.median(starts),
        "p50_ms": rtts[len(rtts) // 2] * 1000,
        "p99_ms": rtts[min(len(rtts) - 1, int(len(rtts) * 0.99))] * 1000,
        "mb_s": got / elapsed / 1e6,
        "lost": want - got,
        "messages": sum(1 for m in out if m["msg_type"] == "stream"),
    }


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=200)
    p.add_argument("--lines", type=int, default=100_000)
    p.add_argument("--starts", type=int, default=3)
    args = p.parse_args()
    install_kernelspecs()
    res = {name: measure(name, args) for name in ("jbox", "python3")}
    j, py = res["jbox"], res["python3"]
    print("%-22s %12s %12s %10s" % ("figure", "jbox", "ipykernel", "ratio"))
    rows = [("startup (s)", "startup_s", "<= 1.0"), ("execute p50 (ms)", "p50_ms", "<= 1.5"),
            ("execute p99 (ms)", "p99_ms", ""), ("stdout (MB/s)", "mb_s", ">= 2.0")]
    for label, key, goal in rows:
        print("%-22s %12.2f %12.2f %9.2fx  goal %s" % (label, j[key], py[key], j[key] / py[key], goal or "-"))
    print("%-22s %12d %12d" % ("stdout bytes lost", j["lost"], py["lost"]))
    print("%-22s %12d %12d" % ("stream messages", j["messages"], py["messages"]))


if __name__ == "__main__":
    main()
