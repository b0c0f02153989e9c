#!/usr/bin/python3
"""Benchmark of crash recovery (issue 13), through a real Jupyter client.

Time from asking Jupyter for the replacement of a SIGKILLed kernel (same kernel id: restart_kernel(now=True), what
Jupyter's restarter does) to %ps showing every adopted %bg process, with 3 and with 50 processes; side by side with
the same restart when the dead kernel left nothing (the reference: what any restart costs). Also the time until
JBOX_ON_CRASH=kill has ended the dead kernel's processes.

Usage: bench/crash_bench.py [--rounds N]   (processes carry CRASHBENCH=<marker>; all are killed at the end)
"""
import os
import signal
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "crash"))
from test_crash import Jbox, kill_marked, marked_pids  # noqa: E402

ROUNDS = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 3


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2]


def adopt_time(k, marker, n):
    """Starts n silent processes, SIGKILLs the kernel, returns seconds from restart to %ps listing all n adopted."""
    for i in range(n):
        k.ok("%%bg --name b%d --env CRASHTEST=%s sleep 3600" % (i, marker))
    if n:
        while len(marked_pids(marker)) < n:
            time.sleep(0.05)
    k.crash()
    t0 = time.monotonic()
    k.restart_in_place()
    while True:
        ps = k.ps()
        if sum(1 for p in ps.values() if p.get("adoptedFrom") and p["state"] == "RUNNING") >= n:
            break
        time.sleep(0.02)
    seconds = time.monotonic() - t0
    if n:
        k.ok("%kill --all")
    return seconds


def main():
    tmp = tempfile.mkdtemp(prefix="jbox-crash-bench-")
    marker = "bench-" + uuid.uuid4().hex[:10]
    state = os.path.join(tmp, "state")
    k = Jbox(state, tmp)
    rows = {}
    try:
        for n in (0, 3, 50):
            rows[n] = [adopt_time(k, marker, n) for _ in range(ROUNDS)]
        k.close()
        kills = []
        for _ in range(ROUNDS):
            dying = Jbox(state, tmp, {"JBOX_ON_CRASH": "kill"})
            dying.ok("%%bg --env CRASHTEST=%s bash -c 'trap \"\" TERM; sleep 3601' & sleep 3602; wait" % marker)
            while len(marked_pids(marker)) < 3:
                time.sleep(0.05)
            os.kill(dying.pid(), signal.SIGKILL)
            t0 = time.monotonic()
            while marked_pids(marker) and time.monotonic() - t0 < 10:
                time.sleep(0.01)
            kills.append(time.monotonic() - t0)
            dying.km.restart_kernel(now=True)
            dying.close()
    finally:
        kill_marked(marker)
    ref = median(rows[0])
    print("crash recovery through jupyter_client (median of %d; a shared, loaded machine gives noisy absolute figures)" % ROUNDS)
    print("  reference: restart of a SIGKILLed kernel that left nothing, to %%ps answering  %6.2f s" % ref)
    for n in (3, 50):
        print("  restart of a SIGKILLed kernel to %%ps showing %2d adopted processes          %6.2f s  ratio %.2f"
              % (n, median(rows[n]), median(rows[n]) / ref))
    print("  JBOX_ON_CRASH=kill: SIGKILL to no process of the dead kernel left (goal < 2 s) %6.2f s" % median(kills))


if __name__ == "__main__":
    main()
