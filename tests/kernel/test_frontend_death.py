"""A kernel whose frontend died exits by itself (JPY_PARENT_PID, as ipykernel), and its session's processes follow
the policy; a kernel started by hand (no JPY_PARENT_PID) keeps running. Frontends: a jupyter_client process,
`bin/jbox console` (a real jupyter console) in a pseudo-terminal, and `bin/jbox notebook` (a real Notebook server).
Each test finds its own processes by pid and by a unique marker, and kills whatever it left behind."""
import json
import os
import queue
import re
import secrets
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.request
import uuid

from jupyter_client.blocking import BlockingKernelClient
from jupyter_client.connect import write_connection_file
from jupyter_client.manager import start_new_kernel

from test_protocol import KERNEL, KERNEL_25, reply_to

ROOT = os.environ.get("JBOX_ROOT") or os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
JBOX = os.path.join(ROOT, "bin", "jbox")
ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")
GONE_WITHIN = 3.0  # the kernel stops within 2 s of its frontend's death; 1 s for the check itself on a loaded machine

# A frontend process: starts the kernel through jupyter_client (which sets JPY_PARENT_PID), runs a cell and a %bg
# job, prints the pids, and waits to be killed.
FRONTEND = r"""
import json, subprocess, sys, time
from jupyter_client.manager import KernelManager
km = KernelManager(kernel_name=sys.argv[1])
km.start_kernel(stdout=subprocess.DEVNULL)  # the pipe to the test is ours alone; stderr (the log) is inherited
kc = km.client(); kc.start_channels(); kc.wait_for_ready(timeout=90)
values = []
def keep(msg):
    if msg["msg_type"] == "execute_result":
        values.append(msg["content"]["data"]["text/plain"])
for code in ("int before = 41;", "%bg --name lcjob sleep " + sys.argv[2], 'jobs().get("lcjob").pid()'):
    reply = kc.execute_interactive(code, timeout=90, output_hook=keep)
    assert reply["content"]["status"] == "ok", reply["content"]
print(json.dumps({"kernel": km.provisioner.pid, "job": int(values[-1])}), flush=True)
time.sleep(3600)
"""

# A frontend that starts `bin/jbox kernel -f FILE` itself, as a user would by hand (no JPY_PARENT_PID).
BY_HAND = r"""
import json, os, subprocess, sys, time
env = {k: v for k, v in os.environ.items() if k != "JPY_PARENT_PID"}
kernel = subprocess.Popen([sys.argv[1], "kernel", "-f", sys.argv[2]], env=env, stdin=subprocess.DEVNULL,
                          stdout=subprocess.DEVNULL)
print(json.dumps({"kernel": kernel.pid}), flush=True)
time.sleep(3600)
"""


def alive(pid):
    """Running (a zombie waiting for init to reap it counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except (FileNotFoundError, ProcessLookupError):
        return ""


def ppid(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
        return -1


def descendants(pid):
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        kids = [int(p) for p in os.listdir("/proc") if p.isdigit() and ppid(p) == parent]
        found += kids
        frontier += kids
    return found


def assert_gone_soon(test, pid, what):
    """pid must be gone within GONE_WITHIN seconds (waits up to 20 s, to say how late it was)."""
    gone = seconds_until_gone(pid, 20)
    test.assertIsNotNone(gone, f"{what}: the kernel still runs 20 s later")
    test.assertLessEqual(gone, GONE_WITHIN, f"{what}: the kernel took {gone:.2f} s to exit")


def seconds_until_gone(pid, timeout):
    """Seconds until pid is gone, or None if it is still running after timeout."""
    t0 = time.monotonic()
    while alive(pid):
        if time.monotonic() - t0 > timeout:
            return None
        time.sleep(0.02)
    return time.monotonic() - t0


def answering_client(connection_file, timeout=90):
    """A client of the kernel behind connection_file, once it answers kernel_info (a client without a kernel
    manager has no process to ask whether the kernel is alive, so wait_for_ready does not apply)."""
    kc = BlockingKernelClient(connection_file=connection_file)
    kc.load_connection_file()
    kc.start_channels()
    deadline = time.monotonic() + timeout
    while True:
        msg_id = kc.kernel_info()
        try:
            reply_to(kc, msg_id, timeout=2)
            return kc
        except queue.Empty:
            if time.monotonic() > deadline:
                kc.stop_channels()
                raise AssertionError(f"the kernel did not answer kernel_info within {timeout} s")


def read_json_line(proc, timeout=120):
    """The JSON object proc prints on its first line ({} if it ends or is silent for timeout seconds)."""
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    return json.loads(proc.stdout.readline() or "{}") if ready else {}


def json_result(kc, code):
    """The application/json result of a cell that must succeed."""
    found = []

    def keep(msg):
        if msg["msg_type"] in ("execute_result", "display_data") and "application/json" in msg["content"]["data"]:
            found.append(msg["content"]["data"]["application/json"])
    reply = kc.execute_interactive(code, timeout=60, output_hook=keep)
    assert reply["content"]["status"] == "ok" and found, (code, reply["content"])
    return found[0]


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def kill_if_alive(*pids):
    for pid in pids:
        if pid and alive(pid):
            os.kill(pid, signal.SIGKILL)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def marked_process(command):
    """The pid of the one process whose command line is exactly command, or None."""
    pids = [int(p) for p in os.listdir("/proc") if p.isdigit() and cmdline(p).strip() == command]
    return pids[0] if len(pids) == 1 else None


class FrontendDiesJdk17(unittest.TestCase):
    """The session's processes are left as after a crash: kept for adoption by default, killed with
    JBOX_ON_CRASH=kill (the local sandbox's supervisor applies the policy once the kernel JVM is gone)."""
    kernel_name = KERNEL

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="jbox-frontend-death-")
        self.env = dict(os.environ, JBOX_STATE_DIR=os.path.join(self.tmp, "state"), JBOX_LOG="warning")
        self.leftovers = []

    def tearDown(self):
        supervisors = [int(p) for p in os.listdir("/proc") if p.isdigit() and self.tmp in cmdline(p)]
        kill_if_alive(*(self.leftovers + supervisors))
        subprocess.run(["rm", "-rf", self.tmp])

    def kill_frontend(self, **extra_env):
        """Starts a frontend that runs a cell and a %bg job, SIGKILLs it, checks that the kernel goes; returns the
        job's pid."""
        marker = f"3600.{secrets.randbelow(10**6):06d}"  # a unique sleep duration: our job's marker
        log = os.path.join(self.tmp, "frontend.log")
        with open(log, "w") as err:
            frontend = subprocess.Popen([sys.executable, "-c", FRONTEND, self.kernel_name, marker], stdout=subprocess.PIPE,
                                        stderr=err, text=True, env=dict(self.env, **extra_env))  # the kernel logs into it
        self.leftovers.append(frontend.pid)
        pids = read_json_line(frontend)
        self.assertIn("kernel", pids, "the frontend did not start the kernel; its log: " + open(log).read())
        self.leftovers += [pids["kernel"], pids["job"]]
        self.assertEqual(ppid(pids["kernel"]), frontend.pid, "the frontend is the kernel's parent")
        self.assertIn(f"sleep {marker}", cmdline(pids["job"]), "the %bg job runs")
        frontend.kill()
        frontend.wait()
        assert_gone_soon(self, pids["kernel"], "frontend killed")
        text = open(log).read()
        self.assertIn(f"the frontend (pid {frontend.pid}) is gone", text)
        self.assertNotIn("Exception", text)
        return pids["job"]

    def test_kernel_exits_and_its_job_is_kept_for_adoption(self):
        job = self.kill_frontend()
        time.sleep(2.5)  # with JBOX_ON_CRASH=kill it would be gone by now
        self.assertTrue(alive(job), "the %bg job must outlive a kernel whose frontend died (JBOX_ON_CRASH=keep)")
        # Another kernel finds it among the orphans and adopts it; that kernel's clean shutdown then ends it.
        km, kc = start_new_kernel(kernel_name=self.kernel_name, startup_timeout=90, env=self.env)
        try:
            orphans = json_result(kc, "%ps --orphans --json")
            self.assertEqual([o["state"] for o in orphans if o["pid"] == job], ["RUNNING"], orphans)
            reply = kc.execute_interactive("%adopt --all", timeout=60, output_hook=lambda m: None)
            self.assertEqual(reply["content"]["status"], "ok")
            self.assertIn(job, [p["pid"] for p in json_result(kc, "%ps --json")])
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=False)
        self.assertIsNotNone(seconds_until_gone(job, 10), "the adopting kernel's shutdown did not end the job")

    def test_with_jbox_on_crash_kill_the_job_ends_too(self):
        job = self.kill_frontend(JBOX_ON_CRASH="kill")
        self.assertIsNotNone(seconds_until_gone(job, GONE_WITHIN), "JBOX_ON_CRASH=kill: the %bg job outlived the kernel")


class FrontendDiesJdk25(FrontendDiesJdk17):
    kernel_name = KERNEL_25


class StartedByHand(unittest.TestCase):

    def test_kernel_without_jpy_parent_pid_keeps_running(self):
        tmp = tempfile.mkdtemp(prefix="jbox-by-hand-")
        conn, _ = write_connection_file(os.path.join(tmp, "kernel.json"), ip="127.0.0.1", key=uuid.uuid4().hex.encode())
        frontend = subprocess.Popen([sys.executable, "-c", BY_HAND, JBOX, conn], stdout=subprocess.PIPE, text=True)
        kernel = None
        try:
            kernel = read_json_line(frontend).get("kernel")
            self.assertTrue(kernel and alive(kernel), "the kernel did not start")
            answering_client(conn).stop_channels()  # it is up and serving
            frontend.kill()
            frontend.wait()
            time.sleep(GONE_WITHIN)
            self.assertTrue(alive(kernel), "a kernel started by hand must outlive the process that started it")
            kc = answering_client(conn, timeout=30)
            try:
                reply = reply_to(kc, kc.execute("20 + 22"))
                self.assertEqual(reply["content"]["status"], "ok")
                kc.shutdown()
            finally:
                kc.stop_channels()
            self.assertIsNotNone(seconds_until_gone(kernel, 10), "the kernel did not exit on shutdown_request")
        finally:
            kill_if_alive(frontend.pid, kernel)
            subprocess.run(["rm", "-rf", tmp])


class RealFrontends(unittest.TestCase):
    """bin/jbox console and bin/jbox notebook, each killed with SIGKILL: no kernel JVM stays behind."""

    @classmethod
    def setUpClass(cls):
        # bin/jbox installs the kernel for the user: here, into a temp Jupyter data dir.
        cls.tmp = tempfile.mkdtemp(prefix="jbox-real-frontends-")
        cls.env = dict(os.environ, JUPYTER_DATA_DIR=os.path.join(cls.tmp, "data"),
                       JUPYTER_RUNTIME_DIR=os.path.join(cls.tmp, "runtime"),
                       JUPYTER_CONFIG_DIR=os.path.join(cls.tmp, "config"), IPYTHONDIR=os.path.join(cls.tmp, "ipython"),
                       JBOX_STATE_DIR=os.path.join(cls.tmp, "state"))

    @classmethod
    def tearDownClass(cls):
        kill_if_alive(*[int(p) for p in os.listdir("/proc") if p.isdigit() and cls.tmp in cmdline(p)])  # supervisors
        subprocess.run(["rm", "-rf", cls.tmp])

    def kernel_under(self, pid):
        """The jbox kernel JVM among pid's descendants."""
        kernels = [p for p in descendants(pid) if "jbox.jar" in cmdline(p) and " -f " in cmdline(p)]
        return kernels[0] if len(kernels) == 1 else None

    def test_console_in_a_terminal_killed(self):
        marker = f"3600.{secrets.randbelow(10**6):06d}"
        # script gives the console a pseudo-terminal; what we write to its stdin is typed into the console.
        term = subprocess.Popen(["script", "-qfec", f"stty cols 120 rows 40; exec {JBOX} console", "/dev/null"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                env=self.env, start_new_session=True)
        screen = []
        threading.Thread(target=lambda: [screen.append(c) for c in iter(lambda: term.stdout.read1(4096), b"")],
                         daemon=True).start()
        kernel = job = None
        try:
            kernel = wait_for(lambda: self.kernel_under(term.pid), 120, "the console's kernel")
            console = ppid(kernel)
            self.assertIn("jupyter", cmdline(console), "bin/jbox execs jupyter console, which launched the kernel")
            wait_for(lambda: b"In [1]" in ANSI.sub(b"", b"".join(screen)), 90, "the console's first prompt")
            term.stdin.write(f"%bg sleep {marker}\r".encode())  # Enter is a carriage return
            term.stdin.flush()
            job = wait_for(lambda: marked_process(f"sleep {marker}"), 60, "the %bg job typed into the console")
            os.kill(console, signal.SIGKILL)
            assert_gone_soon(self, kernel, "jupyter console killed")
            time.sleep(2.5)  # with JBOX_ON_CRASH=kill it would be gone by now
            self.assertTrue(alive(job), "the %bg job is kept, as after a crash (JBOX_ON_CRASH=keep)")
        finally:
            kill_if_alive(*([kernel, job] + descendants(term.pid) + [term.pid]))
            term.wait()

    def test_notebook_server_killed(self):
        port, token = free_port(), secrets.token_hex(16)
        server = subprocess.Popen([JBOX, "notebook", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
                                   f"--NotebookApp.token={token}", "--NotebookApp.port_retries=0"],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  env=self.env, start_new_session=True)
        kernel = None
        try:
            def api(path, body=None):
                req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method="POST" if body else "GET",
                                             data=json.dumps(body).encode() if body else None,
                                             headers={"Authorization": f"token {token}"})
                with urllib.request.urlopen(req, timeout=10) as r:
                    return json.loads(r.read())

            def up():
                try:
                    return api("/api/status")
                except OSError:
                    return None
            wait_for(up, 120, "the notebook server")
            kernel_id = api("/api/kernels", {"name": "jbox"})["id"]
            kernel = wait_for(lambda: self.kernel_under(server.pid), 60, "the notebook's kernel")
            connection_file = os.path.join(self.env["JUPYTER_RUNTIME_DIR"], f"kernel-{kernel_id}.json")
            answering_client(wait_for(lambda: os.path.exists(connection_file) and connection_file, 30,
                                      "the kernel's connection file")).stop_channels()
            self.assertEqual(ppid(kernel), server.pid, "bin/jbox execs the notebook server, which launched the kernel")
            server.kill()
            server.wait()
            assert_gone_soon(self, kernel, "notebook server killed")
        finally:
            kill_if_alive(kernel, server.pid)


if __name__ == "__main__":
    unittest.main()
