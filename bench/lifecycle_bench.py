#!/usr/bin/python3
"""Queue and lifecycle behaviour, jbox (JDK 17 and 25) vs ipykernel, in one run, through jupyter_client.

  /usr/bin/python3 bench/lifecycle_bench.py [--jar kernel/target/jbox.jar] [--rounds 200] [--interrupts 20]
                                            [--deaths 5] [--only followup,interrupt,death]
                                            [--kernels jbox17,jbox25,ipykernel]

followup   --rounds rounds of "a cell that fails, then a new cell `N + 1` sent the moment the failed cell's
           execute_reply arrives": how many follow-up cells (and failing cells) were answered `aborted`.
           Then the same with an interrupted busy loop instead of an exception (--interrupts rounds).
interrupt  --interrupts times: a busy loop, interrupted; a new cell sent the moment the interrupt_reply arrives
           (message mode; for ipykernel's signal, the moment the cell's reply arrives). Interrupt -> execute_reply
           (error) time, whether the cell's `error` reached IOPub before the interrupt request's own `idle`,
           and how many of the next cells were aborted.
death      --deaths times: a frontend process starts the kernel (jupyter_client sets JPY_PARENT_PID), runs a
           cell, and is SIGKILLed; time from the kill to the kernel process being gone.

The same harness drives every kernel; only the cell texts differ. jbox is installed into a temp dir as
`jbox install` does it; ipykernel is the python3 kernelspec of Debian's python3-ipykernel (interrupt_mode
signal, so its interrupt is SIGINT; jbox's is a message on control).
"""
import argparse
import datetime
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

from jupyter_client.manager import KernelManager

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JDK25 = "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"

CELLS = {
    "jbox": {"fail": 'throw new RuntimeException("round {n}");', "next": "{n} + 1",
             "loop": 'System.out.println("spinning"); while (true) { }'},
    "ipykernel": {"fail": 'raise RuntimeError("round {n}")', "next": "{n} + 1",
                  "loop": 'print("spinning", flush=True)\nwhile True: pass'},
}


def start(name):
    km = KernelManager(kernel_name=name)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    return km, kc


def stop(km, kc):
    kc.stop_channels()
    km.shutdown_kernel(now=False)


def reply_to(kc, msg_id, timeout=60):
    while True:
        m = kc.get_shell_msg(timeout=timeout)
        if m["parent_header"].get("msg_id") == msg_id:
            return m


def iopub_until(kc, pred, timeout=60):
    """IOPub messages up to and including the first for which pred is true."""
    seen, deadline = [], time.time() + timeout
    while True:
        m = kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
        seen.append(m)
        if pred(m):
            return seen


def is_idle_of(msg_id):
    return lambda m: (m["msg_type"] == "status" and m["content"]["execution_state"] == "idle"
                      and m["parent_header"].get("msg_id") == msg_id)


def send_interrupt(km, kc):
    """jbox: interrupt_request on control (its msg_id); ipykernel: its kernelspec's way (SIGINT)."""
    if km.kernel_spec.interrupt_mode == "message":
        msg = kc.session.msg("interrupt_request", {})
        kc.control_channel.send(msg)
        return msg["header"]["msg_id"]
    km.interrupt_kernel()
    return None


LOOPS_ABORTED = {"n": 0}  # busy loops answered `aborted` without running (sent again); reported per kernel


def start_loop(kc, cells):
    """Sends the busy loop; returns once it prints its first line (so the interrupt hits the loop itself). A loop
    aborted by a kernel still aborting after the previous round's error is counted and sent again."""
    while True:
        msg_id = kc.execute(cells["loop"], store_history=False)
        last = iopub_until(kc, lambda m: m["parent_header"].get("msg_id") == msg_id and (
            is_idle_of(msg_id)(m) or (m["msg_type"] == "stream" and "spinning" in m["content"]["text"])))[-1]
        if last["msg_type"] == "stream":
            return msg_id
        LOOPS_ABORTED["n"] += reply_to(kc, msg_id)["content"]["status"] == "aborted"


def followup(km, kc, cells, rounds, interrupt):
    """Rounds of failing cell -> next cell at once; returns (aborted follow-ups, aborted failing cells)."""
    aborted_next = aborted_failing = 0
    for n in range(rounds):
        if interrupt:
            failing = start_loop(kc, cells)
            send_interrupt(km, kc)
        else:
            failing = kc.execute(cells["fail"].format(n=n))
        status = reply_to(kc, failing)["content"]["status"]
        nxt = kc.execute(cells["next"].format(n=n))
        aborted_failing += status == "aborted"
        aborted_next += reply_to(kc, nxt)["content"]["status"] == "aborted"
        iopub_until(kc, is_idle_of(nxt))
    return aborted_next, aborted_failing


def interrupt_ordering(km, kc, cells, rounds):
    """Returns (interrupt -> error reply seconds, rounds whose `error` reached IOPub before the interrupt's idle or
    None for signal mode, aborted next cells). The next cell goes out the moment the interrupt_reply arrives
    (message mode) or, for a signal, the moment the cell's reply arrives. The error reply's time is its header date
    (when the kernel sent it) minus when the interrupt was sent."""
    times, error_first, aborted = [], 0, 0
    for _ in range(rounds):
        cell = start_loop(kc, cells)
        sent = datetime.datetime.now(datetime.timezone.utc)
        intr = send_interrupt(km, kc)
        if intr is not None:
            while kc.get_control_msg(timeout=60)["parent_header"].get("msg_id") != intr:
                pass
            nxt = kc.execute("1")
            reply = reply_to(kc, cell)
            idle = {intr: False, nxt: False}

            def both_idle(m, idle=idle):
                if is_idle_of(m["parent_header"].get("msg_id"))(m) and m["parent_header"].get("msg_id") in idle:
                    idle[m["parent_header"]["msg_id"]] = True
                return all(idle.values())
            seen = iopub_until(kc, both_idle)
            intr_idle = next(i for i, m in enumerate(seen) if is_idle_of(intr)(m))
            error_first += any(m["msg_type"] == "error" and m["parent_header"].get("msg_id") == cell
                               for m in seen[:intr_idle])
        else:
            reply = reply_to(kc, cell)
            nxt = kc.execute("1")
            iopub_until(kc, is_idle_of(nxt))
        times.append((reply["header"]["date"] - sent).total_seconds())
        aborted += reply_to(kc, nxt)["content"]["status"] == "aborted"
        assert reply["content"]["status"] == "error", reply["content"]
    return times, (error_first if km.kernel_spec.interrupt_mode == "message" else None), aborted


FRONTEND = textwrap.dedent("""
    import sys, time
    from jupyter_client.manager import KernelManager
    km = KernelManager(kernel_name=sys.argv[1])
    km.start_kernel()
    kc = km.client(); kc.start_channels(); kc.wait_for_ready(timeout=60)
    kc.execute_interactive(sys.argv[2], timeout=60, output_hook=lambda msg: None)
    print("kernel pid", km.provisioner.pid, flush=True)
    time.sleep(3600)
""")


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def frontend_death(name, cell, rounds):
    """Seconds from SIGKILL of the frontend to the kernel process being gone (None: still there after 30 s)."""
    out = []
    for _ in range(rounds):
        fe = subprocess.Popen([sys.executable, "-c", FRONTEND, name, cell], stdout=subprocess.PIPE, text=True)
        pid = int(fe.stdout.readline().split()[-1])
        time.sleep(0.5)
        t0 = time.perf_counter()
        fe.kill()
        fe.wait()
        while alive(pid) and time.perf_counter() - t0 < 30:
            time.sleep(0.01)
        if alive(pid):
            out.append(None)
            os.kill(pid, signal.SIGKILL)
        else:
            out.append(time.perf_counter() - t0)
    return out


def fmt(values):
    vals = [v for v in values if v is not None]
    if not vals:
        return "never"
    return f"p50 {statistics.median(vals) * 1000:.0f} ms, max {max(vals) * 1000:.0f} ms" + \
        (f", {len(values) - len(vals)} never" if len(vals) < len(values) else "")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jar", default=os.path.join(ROOT, "kernel", "target", "jbox.jar"))
    ap.add_argument("--rounds", type=int, default=200)
    ap.add_argument("--interrupts", type=int, default=20)
    ap.add_argument("--deaths", type=int, default=5)
    ap.add_argument("--only", default="followup,interrupt,death")
    ap.add_argument("--kernels", default="jbox17,jbox25,ipykernel", help="which of jbox17, jbox25, ipykernel")
    a = ap.parse_args()
    parts = a.only.split(",")

    tmp = tempfile.mkdtemp(prefix="jbox-lifecycle-bench-")
    try:
        for name, java in (("jbox-bench-17", None), ("jbox-bench-25", JDK25)):
            cmd = ["java", "-cp", a.jar, "dev.jbox.kernel.install.InstallMain", "install", "--prefix", tmp, "--name", name]
            subprocess.run(cmd + (["--java", java] if java else []), check=True, stdout=subprocess.DEVNULL)
        os.environ["JUPYTER_PATH"] = os.path.join(tmp, "share", "jupyter")
        os.environ.setdefault("JBOX_LOG", "warning")
        os.environ.setdefault("JBOX_HISTORY", "off")
        os.environ["JBOX_STATE_DIR"] = os.path.join(tmp, "state")  # records of the kernels' sandboxes
        os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
        kernels = [("jbox JDK 17", "jbox-bench-17", "jbox"), ("jbox JDK 25", "jbox-bench-25", "jbox"),
                   ("ipykernel", "python3", "ipykernel")]
        chosen = a.kernels.split(",")
        for (label, name, lang), key in zip(kernels, ("jbox17", "jbox25", "ipykernel")):
            if key not in chosen:
                continue
            cells = CELLS[lang]
            LOOPS_ABORTED["n"] = 0
            if "followup" in parts or "interrupt" in parts:
                km, kc = start(name)
                try:
                    if "followup" in parts:
                        nxt, failing = followup(km, kc, cells, a.rounds, interrupt=False)
                        print(f"{label:12} exception, next cell at once: {nxt}/{a.rounds} next cells aborted, "
                              f"{failing}/{a.rounds} failing cells aborted", flush=True)
                        nxt, failing = followup(km, kc, cells, a.interrupts, interrupt=True)
                        print(f"{label:12} interrupt, next cell at once: {nxt}/{a.interrupts} next cells aborted, "
                              f"{failing}/{a.interrupts} interrupted cells aborted", flush=True)
                    if "interrupt" in parts:
                        times, first, aborted = interrupt_ordering(km, kc, cells, a.interrupts)
                        order = "n/a (signal)" if first is None else f"{first}/{a.interrupts}"
                        print(f"{label:12} interrupt -> error reply {fmt(times)}; error before interrupt's idle: {order}; "
                              f"next cell aborted: {aborted}/{a.interrupts}", flush=True)
                    if "followup" in parts or "interrupt" in parts:
                        print(f"{label:12} busy loops aborted before running (sent again): {LOOPS_ABORTED['n']}", flush=True)
                finally:
                    stop(km, kc)
            if "death" in parts:
                cell = "1 + 1"
                print(f"{label:12} frontend SIGKILL -> kernel gone: {fmt(frontend_death(name, cell, a.deaths))}", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
