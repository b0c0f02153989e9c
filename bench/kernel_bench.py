#!/usr/bin/python3
"""jbox kernel vs ipykernel, side by side in one run, through jupyter_client.

  /usr/bin/python3 bench/kernel_bench.py [--jar kernel/target/jbox.jar] [--runs 200] [--lines 100000] [--starts 5]
                                         [--settle 15]

Measures: launch -> kernel_info_reply (median of --starts launches); execute round trip (reply + idle) p50/p99
over --runs: of `1 + 1` at once after start (20 warm-up runs; "cold": the JVM is still compiling javac), then of
`1 + 1`, of a call (`Math.max(3, 4)` / `max(3, 4)`), of `1 + N` with a new N each time (no cell text
seen before) and of an empty cell after --settle seconds, as when a user
opens a notebook and starts typing ("settled": jbox's background JIT warm-up has run); stdout throughput of a
cell printing --lines lines, and bytes lost. Both kernels get exactly the same treatment.
jbox is installed into a temp dir (with its class-data archive, exactly as `jbox install` does); ipykernel is
the python3 kernelspec of Debian's python3-ipykernel.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from jupyter_client.manager import KernelManager

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def start(name):
    km = KernelManager(kernel_name=name)
    t0 = time.perf_counter()
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    msg_id = kc.kernel_info()
    while True:
        m = kc.get_shell_msg(timeout=60)
        if m["parent_header"].get("msg_id") == msg_id:
            break
    return km, kc, time.perf_counter() - t0


def ensure_iopub(kc, timeout=60):
    """PUB drops what is sent before the subscription arrived: wait until a status message gets through."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        kc.kernel_info()
        try:
            while True:
                m = kc.get_iopub_msg(timeout=0.5)
                if m["msg_type"] == "status":
                    return
        except Exception:
            continue
    raise RuntimeError("IOPub never connected")


def stop(km, kc):
    kc.stop_channels()
    km.shutdown_kernel(now=False)


def execute(kc, code, timeout=120):
    """Sends code; returns (seconds until its reply and its idle status both arrived, stdout text)."""
    t0 = time.perf_counter()
    msg_id = kc.execute(code, store_history=False)
    out = []
    while True:  # IOPub up to idle; the reply is normally there by then
        m = kc.get_iopub_msg(timeout=timeout)
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        if m["msg_type"] == "stream" and m["content"]["name"] == "stdout":
            out.append(m["content"]["text"])
        elif m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            break
    while True:
        r = kc.get_shell_msg(timeout=timeout)
        if r["parent_header"].get("msg_id") == msg_id:
            break
    elapsed = time.perf_counter() - t0
    if r["content"]["status"] != "ok":
        raise RuntimeError(f"{code!r} failed: {r['content']}")
    return elapsed, "".join(out)


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jar", default=os.path.join(ROOT, "kernel", "target", "jbox.jar"))
    ap.add_argument("--java", default=None)
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--starts", type=int, default=5)
    ap.add_argument("--settle", type=float, default=15.0)
    a = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="jbox-bench-")
    try:
        cmd = ["java", "-cp", a.jar, "dev.jbox.kernel.install.InstallMain", "install", "--prefix", tmp, "--name", "jbox-bench"]
        if a.java:
            cmd += ["--java", a.java]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        os.environ["JUPYTER_PATH"] = os.path.join(tmp, "share", "jupyter")
        os.environ.setdefault("JBOX_LOG", "warning")
        os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
        kernels = {"jbox": "jbox-bench", "ipykernel": "python3"}
        trivial = {"jbox": "1 + 1", "ipykernel": "1 + 1"}
        call = {"jbox": "Math.max(3, 4)", "ipykernel": "max(3, 4)"}
        expected = "".join(f"line {i} of the benchmark output\n" for i in range(a.lines))
        printing = {
            "jbox": f'for (int i = 0; i < {a.lines}; i++) System.out.println("line " + i + " of the benchmark output");',
            "ipykernel": f'for i in range({a.lines}):\n    print("line", i, "of the benchmark output")',
        }

        startup = {k: [] for k in kernels}
        for _ in range(a.starts):  # interleaved, so both see the same machine load
            for k, name in kernels.items():
                km, kc, t = start(name)
                startup[k].append(t)
                stop(km, kc)

        res = {}
        for k, name in kernels.items():
            km, kc, _ = start(name)
            try:
                ensure_iopub(kc)
                for _ in range(20):  # warm-up
                    execute(kc, trivial[k])
                cold = [execute(kc, trivial[k])[0] for _ in range(a.runs)]
                time.sleep(a.settle)
                rtt = [execute(kc, trivial[k])[0] for _ in range(a.runs)]
                calls = [execute(kc, call[k])[0] for _ in range(a.runs)]
                distinct = [execute(kc, "1 + %d" % (1000 + i))[0] for i in range(a.runs)]  # never the same text twice
                empty = [execute(kc, "")[0] for _ in range(a.runs)]
                execute(kc, printing[k].replace(str(a.lines), "1000"))  # warm-up of the printing path
                prints = [execute(kc, printing[k]) for _ in range(3)]  # median of 3: one run is noisy
                secs = statistics.median(p[0] for p in prints)
                lost = max(len(expected.encode()) - len(p[1].encode()) for p in prints)
                text = prints[0][1]
                exact = all(p[1] == expected for p in prints)
                res[k] = {
                    "startup": statistics.median(startup[k]),
                    "p50": pct(rtt, 50), "p99": pct(rtt, 99),
                    "cold50": pct(cold, 50), "cold99": pct(cold, 99),
                    "call50": pct(calls, 50), "empty50": pct(empty, 50), "distinct50": pct(distinct, 50),
                    "mbps": len(text.encode()) / secs / 1e6, "lost": max(lost, 0), "exact": exact,
                    "mbps_first": len(text.encode()) / prints[0][0] / 1e6,
                }
            finally:
                stop(km, kc)

        j, p = res["jbox"], res["ipykernel"]
        print(f"{'':22}{'jbox':>12}{'ipykernel':>12}{'ratio':>10}  goal")
        print(f"{'startup (s, median)':22}{j['startup']:12.3f}{p['startup']:12.3f}{j['startup'] / p['startup']:10.2f}  <= 1.0")
        def row(label, key, goal=""):
            print(f"{label:22}{j[key] * 1e3:12.2f}{p[key] * 1e3:12.2f}{j[key] / p[key]:10.2f}  {goal}")
        row("1 + 1 cold p50 (ms)", "cold50")
        row("1 + 1 cold p99 (ms)", "cold99")
        row("1 + 1 p50 (ms)", "p50", "<= 1.5 (settled %gs)" % a.settle)
        row("1 + 1 p99 (ms)", "p99")
        row("call p50 (ms)", "call50")
        row("1 + N, N new, p50 (ms)", "distinct50")
        row("empty cell p50 (ms)", "empty50")
        print(f"{'stdout (MB/s)':22}{j['mbps']:12.2f}{p['mbps']:12.2f}{j['mbps'] / p['mbps']:10.2f}  >= 2.0 (median of 3)")
        print(f"{'stdout, 1st run':22}{j['mbps_first']:12.2f}{p['mbps_first']:12.2f}{j['mbps_first'] / p['mbps_first']:10.2f}")
        print(f"{'stdout bytes lost':22}{j['lost']:12d}{p['lost']:12d}{'':10}  0 (exact: jbox {j['exact']}, ipykernel {p['exact']})")
        ok = (j["startup"] <= p["startup"] and j["p50"] <= 1.5 * p["p50"] and j["mbps"] >= 2 * p["mbps"] and j["lost"] == 0)
        print("all goals met" if ok else "some goals NOT met")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
