#!/usr/bin/python3
"""jbox kernel vs ipykernel, side by side in one run, through jupyter_client; prints each figure with its ratio.

  /usr/bin/python3 bench/kernel_bench.py [--jar kernel/target/jbox.jar] [--java PATH] [--java25 PATH]
        [--starts 5] [--from-start 40] [--settle 15] [--settled 100] [--session 1500] [--interrupts 5]
        [--lines 100000] [--baseline-jar OTHER.jar] [--jvm-opt OPT]... [--only FIGURE,...]

Every cell the bench times has a text the kernel has not seen before (a new number in it), except the rows marked
"re-run": those repeat one text, which jbox runs again without compiling. Figures, each kernel measured alone
(the other one is not running), start-ups interleaved:

  startup   launch -> kernel_info_reply, and launch -> the result of `1+1` sent right after it (median of --starts)
  shapes    new cell text per shape (expression, statement, variable, a variable whose type jbox does not guess,
            method, class): p50/p99 of --from-start cells
            per shape sent back to back right after start (shapes round robin), then, after --settle seconds idle,
            of --settled cells per shape
  session   --session cells, each declaring a new variable and using it: p50 of the first and the last 100 cells,
            and the kernel's resident memory (VmRSS) before and after
  interrupt `while (true) {}` / `while True: pass`: interrupt_request (ipykernel: SIGINT) -> the cell's error reply;
            jbox on --java (17) and --java25; also whether the next cell runs (not answered `aborted`)
  bg        the first `%bg` of a fresh kernel -> its reply, then a later one
  stdout    one cell printing --lines lines: the first run in a fresh kernel (after one `1+1`), and the median of 3
            more; bytes lost
  rerun     `1 + 1` re-run p50/p99 and an empty cell (the protocol alone)
  cpu       a CPU-bound cell (jbox only) on this jar and on --baseline-jar, to show compute is not slowed

jbox is installed into a temp dir exactly as `jbox install` does it (class-data archive or AOT cache trained at
install time); ipykernel is the python3 kernelspec of Debian's python3-ipykernel.
"""
import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

from jupyter_client.manager import KernelManager

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JDK25 = "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"

# One template per shape; {n} makes each text new. Python equivalents for ipykernel.
SHAPES = {
    "expression": ("{n} + 1", "{n} + 1"),
    "statement": ("for (int i = 0; i < {n} % 3; i++) {{ }}", "for i in range({n} % 3): pass"),
    "variable": ("var w{n} = {n} * 2;", "w{n} = {n} * 2"),
    # jbox guesses the type above from the text (one compilation); a conditional it does not guess (two)
    "var, not guessed": ("var u{n} = {n} > 0 ? {n} : 1;", "u{n} = {n} if {n} > 0 else 1"),
    "method": ("int f{n}(int x) {{ return x + {n}; }}", "def f{n}(x): return x + {n}"),
    "class": ("class C{n} {{ int v = {n}; }}", "class C{n}:\n    v = {n}"),
}
SESSION_CELL = ("var d{n} = {n} * 2;\nd{n} + 1", "d{n} = {n} * 2\nd{n} + 1")
CPU_CELL = ("long acc = 0;\nfor (int i = 0; i < 300_000_000; i++) { acc += (i ^ (i >>> 3)) % 7; }\nacc", None)


class Session:
    """A started kernel with its client; `pid` is the kernel process (the JVM for jbox)."""

    def __init__(self, name):
        self.km = KernelManager(kernel_name=name)
        self.t0 = time.perf_counter()
        self.km.start_kernel()
        self.kc = self.km.client()
        self.kc.start_channels()
        msg_id = self.kc.kernel_info()
        while True:
            m = self.kc.get_shell_msg(timeout=60)
            if m["parent_header"].get("msg_id") == msg_id:
                break
        self.info_s = time.perf_counter() - self.t0

    @property
    def pid(self):
        return self.km.provisioner.process.pid

    def rss_mb(self):
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def ensure_iopub(self, timeout=60):
        """PUB drops what is sent before the subscription arrived: wait until a status message gets through."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            self.kc.kernel_info()
            try:
                while True:
                    m = self.kc.get_iopub_msg(timeout=0.5)
                    if m["msg_type"] == "status":
                        return
            except Exception:
                continue
        raise RuntimeError("IOPub never connected")

    def execute(self, code, timeout=300, ok=True):
        """Seconds until the reply and the idle status both arrived, the stdout text, and the reply content."""
        t0 = time.perf_counter()
        msg_id = self.kc.execute(code, store_history=False)
        out = []
        while True:
            m = self.kc.get_iopub_msg(timeout=timeout)
            if m["parent_header"].get("msg_id") != msg_id:
                continue
            if m["msg_type"] == "stream" and m["content"]["name"] == "stdout":
                out.append(m["content"]["text"])
            elif m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                break
        while True:
            r = self.kc.get_shell_msg(timeout=timeout)
            if r["parent_header"].get("msg_id") == msg_id:
                break
        elapsed = time.perf_counter() - t0
        if ok and r["content"]["status"] != "ok":
            raise RuntimeError(f"{code!r} failed: {r['content']}")
        return elapsed, "".join(out), r["content"]

    def stop(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=False)


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def install(jar, java, name, prefix, jvm_opts=(), scheduler=None):
    cmd = [java or "java", "-cp", jar, "dev.jbox.kernel.install.InstallMain", "install", "--prefix", prefix, "--name", name]
    if scheduler:
        cmd += ["--scheduler", scheduler]
    if java:
        cmd += ["--java", java]
    for o in jvm_opts:
        cmd += ["--jvm-opt", o]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def startup(kernels, starts):
    res = {k: {"info": [], "first": []} for k in kernels}
    for _ in range(starts):  # interleaved, so both see the same machine load
        for k, name in kernels.items():
            s = Session(name)
            try:
                s.ensure_iopub()
                s.execute("1+1")
                res[k]["info"].append(s.info_s)
                res[k]["first"].append(time.perf_counter() - s.t0)
            finally:
                s.stop()
    return {k: {"info": statistics.median(v["info"]), "first": statistics.median(v["first"])} for k, v in res.items()}


def shapes(name, lang, from_start, settle, settled):
    """Per shape: p50/p99 of new texts from start (back to back) and after settling."""
    s = Session(name)
    res = {}
    try:
        s.ensure_iopub()
        n = 1000
        start = {k: [] for k in SHAPES}
        for _ in range(from_start):
            for shape, texts in SHAPES.items():
                n += 1
                start[shape].append(s.execute(texts[lang].format(n=n))[0])
        time.sleep(settle)
        late = {k: [] for k in SHAPES}
        for _ in range(settled):
            for shape, texts in SHAPES.items():
                n += 1
                late[shape].append(s.execute(texts[lang].format(n=n))[0])
        for shape in SHAPES:
            res[shape] = {"start50": pct(start[shape], 50), "start99": pct(start[shape], 99),
                          "p50": pct(late[shape], 50), "p99": pct(late[shape], 99)}
        reruns = [s.execute("1 + 1")[0] for _ in range(settled)]
        empty = [s.execute("")[0] for _ in range(settled)]
        res["rerun"] = {"p50": pct(reruns, 50), "p99": pct(reruns, 99), "empty50": pct(empty, 50)}
    finally:
        s.stop()
    return res


def session(name, lang, cells):
    s = Session(name)
    try:
        s.ensure_iopub()
        s.execute("1+1")
        time.sleep(2)
        rss0 = s.rss_mb()
        times = []
        for i in range(cells):
            times.append(s.execute(SESSION_CELL[lang].format(n=i))[0])
        time.sleep(2)
        rss1 = s.rss_mb()
        return {"first50": pct(times[:100], 50), "last50": pct(times[-100:], 50), "rss0": rss0, "rss1": rss1}
    finally:
        s.stop()


def interrupts(name, lang, runs):
    """interrupt -> error reply of an infinite loop; and whether the cell sent right after it runs."""
    loop = "while (true) {}" if lang == 0 else "while True: pass"
    s = Session(name)
    out = []
    next_ok = True
    try:
        s.ensure_iopub()
        s.execute("1+1")
        for _ in range(runs):
            msg_id = s.kc.execute(loop, store_history=False)
            while True:  # running once busy was published
                m = s.kc.get_iopub_msg(timeout=60)
                if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "status" \
                        and m["content"]["execution_state"] == "busy":
                    break
            time.sleep(0.3)
            t0 = time.perf_counter()
            s.km.interrupt_kernel()
            while True:
                r = s.kc.get_shell_msg(timeout=60)
                if r["parent_header"].get("msg_id") == msg_id:
                    break
            out.append(time.perf_counter() - t0)
            if r["content"]["status"] != "error":
                raise RuntimeError(f"interrupted cell replied {r['content']['status']}")
            while True:  # the next cell is sent once the interrupted one is idle, as a user would
                m = s.kc.get_iopub_msg(timeout=60)
                if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "status" \
                        and m["content"]["execution_state"] == "idle":
                    break
            _, _, content = s.execute("2+2", ok=False)
            next_ok = next_ok and content["status"] == "ok"
    finally:
        s.stop()
    return {"p50": statistics.median(out), "max": max(out), "next_ok": next_ok}


def first_bg(name):
    s = Session(name)
    try:
        s.ensure_iopub()
        first = s.execute("%bg --name b1 true")[0]
        later = statistics.median(s.execute(f"%bg --name b{i} true")[0] for i in range(2, 12))
        return {"first": first, "later": later}
    finally:
        s.stop()


def stdout(name, lang, lines):
    expected = "".join(f"line {i} of the benchmark output\n" for i in range(lines))
    code = (f'for (int i = 0; i < {lines}; i++) System.out.println("line " + i + " of the benchmark output");',
            f'for i in range({lines}):\n    print("line", i, "of the benchmark output")')[lang]
    s = Session(name)
    try:
        s.ensure_iopub()
        s.execute("1+1")  # the kernel is up; the printing path has not run yet
        runs = [s.execute(code + " " * i) for i in range(4)]  # a new text each time: spaces at the end
        secs = statistics.median(r[0] for r in runs[1:])
        size = len(expected.encode())
        lost = max(size - len(r[1].encode()) for r in runs)
        return {"first": size / runs[0][0] / 1e6, "median": size / secs / 1e6, "lost": max(lost, 0),
                "exact": all(r[1] == expected for r in runs)}
    finally:
        s.stop()


def cpu(name, runs=3):
    s = Session(name)
    try:
        s.ensure_iopub()
        s.execute("1+1")
        return statistics.median(s.execute(CPU_CELL[0] + " " * i)[0] for i in range(runs))
    finally:
        s.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jar", default=os.path.join(ROOT, "kernel", "target", "jbox.jar"))
    ap.add_argument("--java", default=None, help="the JDK of the main jbox kernel (default: java on PATH)")
    ap.add_argument("--java25", default=JDK25 if os.path.exists(JDK25) else None)
    ap.add_argument("--starts", type=int, default=5)
    ap.add_argument("--from-start", type=int, default=40)
    ap.add_argument("--settle", type=float, default=15.0)
    ap.add_argument("--settled", type=int, default=100)
    ap.add_argument("--session", type=int, default=1500)
    ap.add_argument("--interrupts", type=int, default=5)
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--baseline-jar", default=None, help="another jbox.jar for the CPU-bound cell comparison")
    ap.add_argument("--jvm-opt", action="append", default=[], help="a JVM option for jbox's kernels (to try one)")
    ap.add_argument("--scheduler", default=None, help="jbox install --scheduler for jbox's kernels (batch, its default, or normal)")
    ap.add_argument("--only", default="startup,shapes,session,interrupt,bg,stdout,cpu")
    a = ap.parse_args()
    only = set(a.only.split(","))

    tmp = tempfile.mkdtemp(prefix="jbox-bench-")
    try:
        install(a.jar, a.java, "jbox-bench", tmp, a.jvm_opt, a.scheduler)
        if a.java25 and "interrupt" in only:
            install(a.jar, a.java25, "jbox-bench25", tmp)
        if a.baseline_jar and "cpu" in only:
            install(a.baseline_jar, a.java, "jbox-baseline", tmp)
        os.environ["JUPYTER_PATH"] = os.path.join(tmp, "share", "jupyter")
        os.environ.setdefault("JBOX_LOG", "warning")
        os.environ["JBOX_HISTORY"] = "off"
        os.environ["JBOX_STATE_DIR"] = os.path.join(tmp, "state")  # the sandboxes' records, not the user's
        os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
        kernels = {"jbox": "jbox-bench", "ipykernel": "python3"}
        lang = {"jbox": 0, "ipykernel": 1}
        print("Every timed cell is a new text (a new number in it), unless marked re-run. Each kernel runs alone.")
        print(f"{'figure':44}{'jbox':>11}{'ipykernel':>11}{'ratio':>8}  goal")

        def row(label, j, p, goal="", scale=1e3, fmt="{:11.1f}"):
            ratio = f"{j / p:8.2f}" if p else f"{'':8}"
            pv = fmt.format(p * scale) if p is not None else f"{'':11}"
            print(f"{label:44}{fmt.format(j * scale)}{pv}{ratio}  {goal}")

        if "startup" in only:
            st = startup(kernels, a.starts)
            row("launch -> kernel_info_reply (s)", st["jbox"]["info"], st["ipykernel"]["info"], "<= 1.0", 1, "{:11.3f}")
            row("launch -> result of 1+1 (s)", st["jbox"]["first"], st["ipykernel"]["first"], "<= 1.0", 1, "{:11.3f}")
        if "shapes" in only:
            sh = {k: shapes(name, lang[k], a.from_start, a.settle, a.settled) for k, name in kernels.items()}
            for shape in SHAPES:
                j, p = sh["jbox"][shape], sh["ipykernel"][shape]
                row(f"{shape}, from start p50 (ms)", j["start50"], p["start50"], "<= 2.0")
                row(f"{shape}, from start p99 (ms)", j["start99"], p["start99"])
                row(f"{shape}, settled p50 (ms)", j["p50"], p["p50"], "<= 1.5")
                row(f"{shape}, settled p99 (ms)", j["p99"], p["p99"], "<= 2.0")
            j, p = sh["jbox"]["rerun"], sh["ipykernel"]["rerun"]
            row("1 + 1 re-run, settled p50 (ms)", j["p50"], p["p50"])
            row("1 + 1 re-run, settled p99 (ms)", j["p99"], p["p99"])
            row("empty cell p50 (ms)", j["empty50"], p["empty50"])
        if "session" in only:
            se = {k: session(name, lang[k], a.session) for k, name in kernels.items()}
            j, p = se["jbox"], se["ipykernel"]
            row(f"session: p50 of the first 100 cells (ms)", j["first50"], p["first50"])
            row(f"session: p50 of the last 100 of {a.session} (ms)", j["last50"], p["last50"])
            print(f"{'session: last/first (growth)':44}{j['last50'] / j['first50']:11.2f}{p['last50'] / p['first50']:11.2f}{'':8}  <= 1.2")
            print(f"{'session: RSS before -> after (MB)':44}{j['rss0']:5.0f}->{j['rss1']:4.0f}{p['rss0']:5.0f}->{p['rss1']:4.0f}")
            print(f"{'session: RSS growth (MB)':44}{j['rss1'] - j['rss0']:11.0f}{p['rss1'] - p['rss0']:11.0f}{'':8}  <= 100")
        if "interrupt" in only:
            ip = interrupts("python3", 1, a.interrupts)
            ij = interrupts("jbox-bench", 0, a.interrupts)
            row("interrupt -> error reply, median (ms)", ij["p50"], ip["p50"], "<= 100 ms")
            row("interrupt -> error reply, worst (ms)", ij["max"], ip["max"])
            if a.java25:
                i25 = interrupts("jbox-bench25", 0, a.interrupts)
                row("interrupt, JDK 25, median (ms)", i25["p50"], ip["p50"], "<= 100 ms")
                row("interrupt, JDK 25, worst (ms)", i25["max"], ip["max"])
                ij["next_ok"] = ij["next_ok"] and i25["next_ok"]
            print(f"{'cell after an interrupt runs (not aborted)':44}{str(ij['next_ok']):>11}{str(ip['next_ok']):>11}")
        if "bg" in only:
            bg = first_bg("jbox-bench")
            row("first %bg in a fresh kernel -> reply (ms)", bg["first"], None, "<= 150 ms")
            row("later %bg -> reply, median (ms)", bg["later"], None)
        if "stdout" in only:
            so = {k: stdout(name, lang[k], a.lines) for k, name in kernels.items()}
            j, p = so["jbox"], so["ipykernel"]
            row("stdout, first run (MB/s)", j["first"], p["first"], ">= 2.0", 1, "{:11.2f}")
            row("stdout, median of runs 2-4 (MB/s)", j["median"], p["median"], ">= 2.0", 1, "{:11.2f}")
            print(f"{'stdout bytes lost':44}{j['lost']:11d}{p['lost']:11d}{'':8}  0 (exact: {j['exact']}, {p['exact']})")
        if "cpu" in only:
            c = cpu("jbox-bench")
            b = cpu("jbox-baseline") if a.baseline_jar else None
            row("CPU-bound cell (s), this jar vs baseline", c, b, "<= 1.0 (not slowed)", 1, "{:11.3f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
