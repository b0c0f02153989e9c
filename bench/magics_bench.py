#!/usr/bin/python3
"""Benchmark of jbox's asynchronous magics output, through a real Jupyter client.

1. Latency from a background process writing a line to the stream message reaching the client (p50, p99),
   side by side with ipykernel's `!cmd` streaming as the reference (when the python3 kernel is installed).
2. While a %bg process floods 100 MB: trivial execute p50 vs idle, the rate the client receives vs the
   configured limit, and the log holding all 100 MB.
3. 50 concurrent %bg processes x 1 MB: every byte in the logs, trivial execute p50 vs idle.
Prints figures and ratios. Usage: bench/magics_bench.py [--quick]
"""
import datetime
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "magics"))
from harness import Kernel  # noqa: E402

from jupyter_client.manager import KernelManager  # noqa: E402

QUICK = "--quick" in sys.argv
FLOOD_BYTES = 100_000_000
RATE = 256 * 1024
STAMPER = ("import sys, time\n"
           "for i in range({n}):\n"
           "    sys.stdout.write('%.6f\\n' % time.time()); sys.stdout.flush(); time.sleep({gap})\n")


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


def latencies_from(stream_msgs):
    """stream_msgs: (arrival wall time, text) pairs; each line holds the wall time it was written."""
    out = []
    for t, text in stream_msgs:
        for line in text.splitlines():
            try:
                out.append((t - float(line)) * 1000)
            except ValueError:
                pass
    return out


def trivial_p50(k, n):
    xs = []
    for _ in range(n):
        t0 = time.monotonic()
        content, _, _, _ = k.execute("1")
        xs.append((time.monotonic() - t0) * 1000)
    return statistics.median(xs), xs


def jbox_latency(k, n):
    script = STAMPER.format(n=n, gap=0.05)
    k.execute("%config --rate-limit 0")
    with open(os.path.join(k_cwd, "stamper.py"), "w") as f:
        f.write(script)
    content, _, _, mid = k.execute("%bg --name stamper python3 -u stamper.py")
    k.execute("%wait stamper", timeout=120)
    time.sleep(0.3)
    msgs = [(t, m["content"]["text"]) for t, m in k.timed(mid) if m["msg_type"] == "stream" and m["content"]["name"] == "stdout"]
    k.execute("%config --rate-limit 256K")
    return latencies_from(msgs)


def ipykernel_latency(n):
    """The reference: ipykernel streaming a foreground `!python3 -u stamper.py`."""
    try:
        km = KernelManager(kernel_name="python3")
        km.start_kernel(cwd=k_cwd)
    except Exception as e:  # the python3 kernelspec is missing
        print("reference ipykernel not available: %s" % e)
        return None
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        mid = kc.execute("!python3 -u stamper.py")
        msgs = []
        while True:
            m = kc.get_iopub_msg(timeout=120)
            if m["parent_header"].get("msg_id") != mid:
                continue
            if m["msg_type"] == "stream":
                msgs.append((time.time(), m["content"]["text"]))
            if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                break
        return latencies_from(msgs)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def flood(k):
    k.execute("%config --rate-limit 256K")
    idle_p50, _ = trivial_p50(k, 30)
    t0 = time.time()
    content, _, _, mid = k.execute("%bg --name flood yes 0123456789012345678901234567890123456789012345678901234567890123456789"
                                   "01234567890123456789012345678 | head -c " + str(FLOOD_BYTES))
    samples = []  # (wall end time, ms); kept only if they ended before the flood did
    while True:
        for _ in range(10):
            t1 = time.monotonic()
            k.execute("1")
            samples.append((time.time(), (time.monotonic() - t1) * 1000))
        ps = k.json_result(k.execute("%ps --json --all")[3])
        flood_info = [p for p in ps if p["id"] == "flood"][0]
        if flood_info["state"] != "RUNNING":
            break
    ended = datetime.datetime.fromisoformat(flood_info["endedAt"].replace("Z", "+00:00")).timestamp()
    during = [ms for t, ms in samples if t <= ended]
    k.execute("%wait flood", timeout=300)
    t_end = time.time()
    time.sleep(1.2)  # the last skip notice
    received = sum(len(m["content"]["text"].encode()) for t, m in k.timed(mid)
                   if m["msg_type"] == "stream" and m["content"]["name"] == "stdout")
    seconds = t_end - t0
    code = ('var fh = jobs().get("flood"); long off = 0;\n'
            'while (true) { var r = fh.readOutput(dev.jbox.client.StreamKind.STDOUT, off, 1 << 20);'
            ' if (r.bytes().length == 0) break; off = r.offset() + r.bytes().length; }\n'
            'off')
    c, outs, _, m3 = k.execute(code, timeout=300)
    log_bytes = int(k.result_text(m3))
    return idle_p50, statistics.median(during) if during else float("nan"), len(during), received, seconds, log_bytes


def fifty(k):
    idle_p50, _ = trivial_p50(k, 20)
    for i in range(50):
        k.execute("%%bg --name mb{0}\nyes 0123456789012345678901234567890123456789012345678901234567890123456789"
                  "01234567890123456789012345678 | head -c 1048576\n".format(i))
    during = []
    for _ in range(10):
        t1 = time.monotonic()
        k.execute("1")
        during.append((time.monotonic() - t1) * 1000)
    k.execute("%wait --all", timeout=300)
    c, outs, _, m = k.execute('jobs().values().stream().filter(h -> h.id().startsWith("mb"))'
                              '.mapToLong(h -> h.info().stdoutBytes()).sum()')
    total = int(k.result_text(m))
    c, outs, _, m = k.execute('jobs().values().stream().filter(h -> h.id().startsWith("mb"))'
                              '.filter(h -> h.exitCode() != null && h.exitCode() == 0).count()')
    ok = int(k.result_text(m))
    return idle_p50, statistics.median(during), total, ok


if __name__ == "__main__":
    import tempfile
    k_cwd = tempfile.mkdtemp(prefix="jbox-bench-")
    k = Kernel(cwd=k_cwd)
    try:
        n = 60 if QUICK else 200
        lat = jbox_latency(k, n)
        ref = ipykernel_latency(n)
        print("== latency: process writes a line -> stream message at the client (%d lines)" % len(lat))
        print("jbox %%bg          p50 %6.1f ms  p99 %6.1f ms   (goal p50 <= 100 ms: ratio %.2f)"
              % (pct(lat, 50), pct(lat, 99), pct(lat, 50) / 100.0))
        if ref:
            print("ipykernel !cmd    p50 %6.1f ms  p99 %6.1f ms   (jbox/ipykernel p50 ratio %.2f)"
                  % (pct(ref, 50), pct(ref, 99), pct(lat, 50) / max(pct(ref, 50), 0.001)))
        idle, during, samples, received, seconds, log_bytes = flood(k)
        print("== flood: %%bg writes %d MB at full speed, rate limit %d KB/s per cell" % (FLOOD_BYTES // 10**6, RATE // 1024))
        print("trivial execute p50: idle %.1f ms, during flood %.1f ms (%d samples), ratio %.2f (goal <= 2)"
              % (idle, during, samples, during / idle))
        allowed = RATE * seconds + RATE
        print("client received %d bytes in %.1f s = %.1f KB/s; allowed %.0f bytes (rate x time + 1 s burst): ratio %.2f (goal <= 1)"
              % (received, seconds, received / seconds / 1024, allowed, received / allowed))
        print("log holds %d of %d bytes: ratio %.4f (goal 1)" % (log_bytes, FLOOD_BYTES, log_bytes / FLOOD_BYTES))
        idle2, during2, total, ok = fifty(k)
        print("== 50 concurrent %bg x 1 MB")
        print("bytes in logs %d of %d: ratio %.4f; %d/50 exited 0" % (total, 50 * 1048576, total / (50 * 1048576), ok))
        print("trivial execute p50: idle %.1f ms, during %.1f ms, ratio %.2f" % (idle2, during2, during2 / idle2))
    finally:
        k.close()
        import shutil
        shutil.rmtree(k_cwd, ignore_errors=True)
