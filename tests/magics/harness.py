"""Starts the jbox kernel through a real Jupyter client (kernelspec installed into a temp dir) and collects
every IOPub message with its arrival time, so tests can look at output that arrives after a cell's idle."""
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time

from jupyter_client.manager import KernelManager

ROOT = os.environ.get("JBOX_ROOT") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
JAR = os.path.join(ROOT, "kernel", "target", "jbox.jar")


def install_kernelspec(extra_env=None, install_args=()):
    """Installs the kernelspec under a fresh temp prefix; returns (prefix, env for Jupyter tools)."""
    prefix = tempfile.mkdtemp(prefix="jbox-magics-")
    subprocess.run(["java", "-cp", JAR, "dev.jbox.kernel.install.InstallMain", "install", "--prefix", prefix] + list(install_args),
                   check=True, stdout=subprocess.DEVNULL, env={**os.environ, **(extra_env or {})})
    env = dict(os.environ)
    env["JUPYTER_PATH"] = os.path.join(prefix, "share", "jupyter")
    env["JUPYTER_DATA_DIR"] = os.path.join(prefix, "data")
    env["JUPYTER_CONFIG_DIR"] = os.path.join(prefix, "config")
    env["JUPYTER_RUNTIME_DIR"] = os.path.join(prefix, "runtime")
    env.update(extra_env or {})
    return prefix, env


class Kernel:
    """One running jbox kernel with a blocking client and an IOPub collector thread."""

    def __init__(self, extra_env=None, cwd=None, install_args=()):
        self.prefix, env = install_kernelspec(extra_env, install_args)
        for k in ("JUPYTER_PATH", "JUPYTER_DATA_DIR", "JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR"):
            os.environ[k] = env[k]
        self.km = KernelManager(kernel_name="jbox")
        kw = {"env": env}
        if cwd:
            kw["cwd"] = cwd
        self.km.start_kernel(**kw)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=90)
        self.msgs = []          # (arrival wall-clock time, msg)
        self.lock = threading.Condition()
        self.stop = False
        self.collecting = threading.Event()
        self.collector = threading.Thread(target=self._collect, daemon=True)
        self.collector.start()
        # The collector has its own client (a client's channels are not shared between threads); wait until
        # its subscription receives messages.
        for _ in range(100):
            self.kc.kernel_info()
            if self.collecting.wait(0.3):
                break

    def _collect(self):
        io = self.km.client()
        io.start_channels(shell=False, stdin=False, hb=False, control=False)
        while not self.stop:
            try:
                m = io.get_iopub_msg(timeout=0.2)
            except queue.Empty:
                continue
            except BaseException:  # the channel is closed under us at shutdown
                if self.stop:
                    return
                continue
            self.collecting.set()
            with self.lock:
                self.msgs.append((time.time(), m))
                self.lock.notify_all()
        io.stop_channels()

    def send(self, code, allow_stdin=False):
        """Sends an execute_request; returns its msg_id (no waiting)."""
        return self.kc.execute(code, allow_stdin=allow_stdin, stop_on_error=False)

    def reply(self, msg_id, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no execute_reply for " + msg_id)
            m = self.kc.get_shell_msg(timeout=left)
            if m["parent_header"].get("msg_id") == msg_id:
                return m, time.monotonic()

    def wait_idle(self, msg_id, timeout=60):
        """Arrival time of the idle status for msg_id."""
        return self.wait_for(lambda t, m: m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "status"
                             and m["content"]["execution_state"] == "idle", timeout)[0]

    def wait_for(self, pred, timeout=30):
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                for t, m in self.msgs:
                    if pred(t, m):
                        return t, m
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("message not seen in %ss" % timeout)
                self.lock.wait(left)

    def execute(self, code, timeout=60):
        """Runs a cell; returns (reply content, outputs of that cell up to idle, idle time)."""
        mid = self.send(code)
        rep, _ = self.reply(mid, timeout)
        idle = self.wait_idle(mid, timeout)
        return rep["content"], self.outputs(mid), idle, mid

    def outputs(self, msg_id):
        with self.lock:
            return [m for t, m in self.msgs if m["parent_header"].get("msg_id") == msg_id]

    def timed(self, msg_id):
        with self.lock:
            return [(t, m) for t, m in self.msgs if m["parent_header"].get("msg_id") == msg_id]

    def text(self, msg_id, stream="stdout"):
        return "".join(m["content"]["text"] for m in self.outputs(msg_id)
                       if m["msg_type"] == "stream" and m["content"]["name"] == stream)

    def wait_text(self, msg_id, expected, stream="stdout", timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.text(msg_id, stream) == expected:
                return True
            time.sleep(0.05)
        return self.text(msg_id, stream) == expected

    def result_text(self, msg_id):
        for m in self.outputs(msg_id):
            if m["msg_type"] in ("execute_result", "display_data"):
                return m["content"]["data"].get("text/plain", "")
        return None

    def json_result(self, msg_id):
        for m in self.outputs(msg_id):
            if m["msg_type"] == "execute_result" and "application/json" in m["content"]["data"]:
                return m["content"]["data"]["application/json"]
        return None

    def interrupt(self):
        self.km.interrupt_kernel()

    def close(self):
        self.stop = True
        self.collector.join(5)  # before the channels close under it
        try:
            self.kc.stop_channels()
        finally:
            self.km.shutdown_kernel(now=False)
            shutil.rmtree(self.prefix, ignore_errors=True)


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie is dead for our purposes
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def write_counts(name, result):
    d = os.environ.get("JBOX_RESULTS")
    if not d:
        return
    os.makedirs(d, exist_ok=True)
    failed = len(result.failures) + len(result.errors)
    with open(os.path.join(d, name + ".counts"), "w") as f:
        f.write("%d %d\n" % (result.testsRun - failed, failed))
