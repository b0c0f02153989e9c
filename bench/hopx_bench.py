#!/usr/bin/python3
"""HopX backend vs envd backend on the same `jbox agent` (loopback), through a real Jupyter client.

Two kernels run side by side: one on the agent's envd API (JBOX_SANDBOX=<agent URL>), one on a HopX sandbox whose
VM agent is the same `jbox agent`, behind the local stand-in for HopX's control API (tests/node/hopx-control-api.mjs).
Requests alternate between them, so that load from elsewhere hits both alike.

1. %bg -> first output line in the cell: from sending `%bg echo ...` to the stream message with that line arriving
   at the client (p50, p99).
2. line written -> client: a %bg process writes its wall-clock time every 100 ms; each line's arrival at the client
   minus the time written in it (p50, p99). Both include the kernel's output coalescing, the same for both.
Prints figures and the ratios hopx/envd. Usage: bench/hopx_bench.py [--runs N] [--lines N]
"""
import argparse
import os
import shutil
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "magics"))
from harness import Kernel  # noqa: E402
from test_remote_sandbox import Agent, ok  # noqa: E402
from test_hopx_sandbox import ControlApi, KEY  # noqa: E402

STAMPER = 'for i in $(seq 1 {n}); do echo "$EPOCHREALTIME"; sleep 0.1; done'


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


def first_line(k, tag):
    """Milliseconds from sending a %bg to its first line arriving in the cell."""
    marker = "first-" + tag
    t0 = time.time()
    mid = k.send("%bg echo " + marker + "; sleep 0.2")
    t, _ = k.wait_for(lambda t, m: m["parent_header"].get("msg_id") == mid and m["msg_type"] == "stream"
                      and marker in m["content"]["text"], timeout=60)
    k.wait_idle(mid)
    return (t - t0) * 1000


def line_latencies(k, n):
    content, _, _, mid = k.execute("%bg --name stamper" + str(time.time_ns()) + " " + STAMPER.format(n=n))
    deadline = time.monotonic() + n * 0.1 + 60
    while time.monotonic() < deadline:
        lines = sum(m["content"]["text"].count("\n") for _, m in k.timed(mid) if m["msg_type"] == "stream")
        if lines >= n:
            break
        time.sleep(0.1)
    out = []
    for t, m in k.timed(mid):
        if m["msg_type"] != "stream" or m["content"]["name"] != "stdout":
            continue
        for line in m["content"]["text"].splitlines():
            try:
                out.append((t - float(line)) * 1000)
            except ValueError:
                pass
    return out


def row(name, envd, hopx):
    print("%-34s %10.1f %10.1f %10.1f %10.1f   x%.1f / x%.1f" % (name, pct(envd, 50), pct(envd, 99), pct(hopx, 50), pct(hopx, 99),
                                                            pct(hopx, 50) / pct(envd, 50), pct(hopx, 99) / pct(envd, 99)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--lines", type=int, default=100)
    args = ap.parse_args()
    agent = Agent()
    api = ControlApi(agent)
    envd = hopx = None
    sandbox = None
    try:
        envd = Kernel(extra_env={"JBOX_SANDBOX": agent.url, "JBOX_SANDBOX_TOKEN_FILE": agent.token_file})
        hopx = Kernel(extra_env={"HOPX_API_KEY": KEY})
        shown = hopx.result_text(ok(hopx, "%sandbox hopx --base-url " + api.url))
        sandbox = shown.split("hopx sandbox ")[1].split()[0]
        for k in (envd, hopx):
            ok(k, "%config --rate-limit 0")
            for i in range(3):
                first_line(k, "warmup%d" % i)
        f_envd, f_hopx = [], []
        for i in range(args.runs):
            f_envd.append(first_line(envd, "e%d" % i))
            f_hopx.append(first_line(hopx, "h%d" % i))
        l_envd = line_latencies(envd, args.lines)
        l_hopx = line_latencies(hopx, args.lines)
        print("HopX backend vs envd backend, same jbox agent on loopback; %d cores, load %.1f" % (os.cpu_count(), os.getloadavg()[0]))
        print("%-34s %10s %10s %10s %10s   %s" % ("ms", "envd p50", "envd p99", "hopx p50", "hopx p99", "ratio p50 / p99"))
        row("%%bg -> first line in the cell (%d)" % args.runs, f_envd, f_hopx)
        row("line written -> client (%d/%d)" % (len(l_envd), len(l_hopx)), l_envd, l_hopx)
        if len(l_hopx) < args.lines or len(l_envd) < args.lines:
            print("lines missing: envd %d, hopx %d of %d" % (args.lines - len(l_envd), args.lines - len(l_hopx), args.lines))
    finally:
        for k in (envd, hopx):
            if k:
                k.close()
        api.stop()
        agent.stop()
        if sandbox:
            shutil.rmtree(os.path.join("/tmp/jbox-hopx", sandbox), ignore_errors=True)


if __name__ == "__main__":
    main()
