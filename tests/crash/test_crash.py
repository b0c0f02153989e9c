"""A crashed kernel loses nothing (issue 13), through a real Jupyter client (jupyter_client): SIGKILL of the kernel
JVM while %bg processes run; the kernel Jupyter starts in its place (same kernel id) adopts them; JBOX_ON_CRASH=kill;
concurrent kernels adopt only their own; orphans of a kernel nobody restarted, %ps --orphans and %adopt.

Every process a test starts carries CRASHTEST=<unique marker> in its environment; cleanup kills exactly those."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "magics"))
from harness import install_kernelspec, pid_alive, write_counts  # noqa: E402

from jupyter_client.manager import KernelManager  # noqa: E402

COUNTER = """import sys, time
copy = open(sys.argv[1], "a")
for i in range(1, int(sys.argv[2]) + 1):
    line = "line %06d of the counter\\n" % i
    sys.stdout.write(line)
    sys.stdout.flush()
    copy.write(line)
    copy.flush()
    time.sleep(0.01)
sys.exit(3)
"""


def marked_pids(marker):
    """Live processes whose environment holds CRASHTEST=marker (zombies excluded)."""
    want = ("CRASHTEST=" + marker).encode()
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/environ" % name, "rb") as f:
                env = f.read().split(b"\0")
        except OSError:
            continue
        if want in env and pid_alive(int(name)):
            found.append(int(name))
    return found


def kill_marked(marker):
    for pid in marked_pids(marker):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


class Jbox:
    """One kernel id: a KernelManager we can SIGKILL and restart in place (as Jupyter's restarter does)."""

    def __init__(self, state_dir, cwd, extra_env=None):
        env_extra = {"JBOX_STATE_DIR": state_dir}
        env_extra.update(extra_env or {})
        self.prefix, env = install_kernelspec(env_extra)
        for k in ("JUPYTER_PATH", "JUPYTER_DATA_DIR", "JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR"):
            os.environ[k] = env[k]
        self.km = KernelManager(kernel_name="jbox")
        self.km.start_kernel(env=env, cwd=cwd)
        self.kc = self._client()

    def _client(self):
        kc = self.km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=120)
        return kc

    @property
    def kernel_id(self):
        return os.path.basename(self.km.connection_file)

    def pid(self):
        return self.km.provisioner.process.pid

    def crash(self):
        """SIGKILL to the kernel JVM alone (not its process group), as the OOM killer does."""
        pid = self.pid()
        os.kill(pid, signal.SIGKILL)
        self.km.provisioner.process.wait(10)
        self.kc.stop_channels()

    def restart_in_place(self):
        """What Jupyter does for a dead kernel: a new one on the same connection file; then a fresh client."""
        self.km.restart_kernel(now=True)
        self.kc = self._client()

    def run(self, code, timeout=120):
        """Executes a cell; returns (status, stdout text, stderr text, text/plain of results, json results)."""
        out, err, plain, data = [], [], [], []

        def hook(msg):
            t, c = msg["msg_type"], msg["content"]
            if t == "stream":
                (out if c["name"] == "stdout" else err).append(c["text"])
            elif t in ("execute_result", "display_data"):
                plain.append(c["data"].get("text/plain", ""))
                if "application/json" in c["data"]:
                    data.append(c["data"]["application/json"])
            elif t == "error":
                err.append("%s: %s" % (c["ename"], c["evalue"]))

        reply = self.kc.execute_interactive(code, timeout=timeout, output_hook=hook, stop_on_error=False)
        return reply["content"]["status"], "".join(out), "".join(err), "\n".join(plain), data

    def ok(self, code, timeout=120):
        status, out, err, plain, data = self.run(code, timeout)
        if status != "ok":
            raise AssertionError("%r failed: %s %s" % (code, err, out))
        return out, err, plain, data

    def ps(self):
        _, _, _, data = self.ok("%ps --all --json")
        return {p["id"]: p for p in data[0]}

    def close(self):
        try:
            self.kc.stop_channels()
        finally:
            if self.km.is_alive():
                self.km.shutdown_kernel(now=False)
            shutil.rmtree(self.prefix, ignore_errors=True)


class CrashTest(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="jbox-crash-")
        self.state = os.path.join(self.tmp, "state")
        self.marker = "jbox-crash-" + uuid.uuid4().hex[:12]
        self.kernels = []

    def tearDown(self):
        for k in self.kernels:
            try:
                k.close()
            except Exception:  # noqa: BLE001 - a crashed kernel may refuse; cleanup goes on
                pass
        kill_marked(self.marker)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def kernel(self, extra_env=None):
        k = Jbox(self.state, self.tmp, extra_env)
        self.kernels.append(k)
        return k

    def env(self):
        return "--env CRASHTEST=" + self.marker

    def test_processes_survive_a_sigkill_and_the_replacement_kernel_adopts_them(self):
        k = self.kernel()
        with open(os.path.join(self.tmp, "counter.py"), "w") as f:
            f.write(COUNTER)
        copy = os.path.join(self.tmp, "copy.txt")
        k.ok("%%bg --name counter %s python3 counter.py %s 2000" % (self.env(), copy))
        k.ok("%bg --name silent " + self.env() + " sleep 3000")
        k.ok("%bg --name tree " + self.env() + " bash -c 'trap \"\" TERM; sleep 3001' & sleep 3002; wait")
        k.ok("%bg --name reader --stdin " + self.env() + " cat")
        deadline = time.monotonic() + 30
        while len(marked_pids(self.marker)) < 6:  # python3, sleep, bash, sleep 3001 (exec'd by its bash), sleep 3002, cat
            self.assertLess(time.monotonic(), deadline, "the processes did not start")
            time.sleep(0.1)
        before = k.ps()
        pids = {i: before[i]["pid"] for i in ("counter", "silent", "tree", "reader")}
        time.sleep(1)  # the counter prints meanwhile

        k.crash()
        for name, pid in pids.items():
            self.assertTrue(pid_alive(pid), "%s died with the kernel" % name)
        time.sleep(1)  # it prints while no kernel runs
        t0 = time.monotonic()
        k.restart_in_place()
        after = k.ps()
        adopted_s = time.monotonic() - t0
        print("replacement kernel: restart to %%ps showing the adopted processes: %.2f s" % adopted_s)
        for name in pids:
            self.assertIn(name, after, "%%ps of the replacement kernel lacks %s: %s" % (name, sorted(after)))
            self.assertEqual(pids[name], after[name]["pid"])
            self.assertIsNotNone(after[name]["adoptedFrom"], name)
            self.assertIn(self_session(k), after[name]["adoptedFrom"])
        for name in ("counter", "silent", "tree", "reader"):
            self.assertEqual("RUNNING", after[name]["state"], "%s: %s" % (name, after[name]))
        _, _, table, _ = k.ok("%ps")
        self.assertIn("adopted from", table)

        # jobs() and %stdin (through the FIFO the dead kernel's supervisor still holds) on adopted processes
        _, _, plain, _ = k.ok('jobs().get("silent").info().adoptedFrom() != null')
        self.assertEqual("true", plain)
        k.ok("%stdin reader hello after the crash")
        k.ok("%stdin reader --eof")
        _, _, plain, _ = k.ok("%wait reader --timeout 30s")
        self.assertIn("exit code 0", plain)
        out, _, _, _ = k.ok("%logs reader")
        self.assertEqual("hello after the crash\n", out)

        # live output of the counter, then its full log equals the copy it wrote itself: no gap, no duplicate
        out, _, _, _ = k.ok("%logs counter --follow", timeout=300)
        with open(copy) as f:
            written = f.read()
        self.assertTrue(written.endswith("line 002000 of the counter\n"), written[-100:])
        self.assertEqual(written, out)
        out, _, _, _ = k.ok("%logs counter")
        self.assertEqual(written, out)
        numbers = [int(m) for m in re.findall(r"line (\d+) of the counter", out)]
        self.assertEqual(list(range(1, 2001)), numbers)
        _, _, plain, _ = k.ok("%wait counter")
        self.assertIn("exit code 3", plain)

        # %kill on adopted processes: the tree's child ignores TERM and gets KILL after the grace period
        _, _, plain, _ = k.ok("%kill silent tree")
        self.assertIn("killed the process tree of silent", plain)
        self.assertIn("killed the process tree of tree", plain)
        deadline = time.monotonic() + 10
        while marked_pids(self.marker):
            self.assertLess(time.monotonic(), deadline, "left alive: %s" % marked_pids(self.marker))
            time.sleep(0.1)
        final = k.ps()
        self.assertEqual("KILLED", final["silent"]["state"])
        self.assertEqual("KILLED", final["tree"]["state"])
        self.assertEqual(3, final["counter"]["exitCode"])

    def test_on_crash_kill_leaves_nothing_within_two_seconds(self):
        k = self.kernel({"JBOX_ON_CRASH": "kill"})
        k.ok("%bg " + self.env() + " bash -c 'trap \"\" TERM; sleep 3001' & sleep 3002; wait")
        k.ok("%bg " + self.env() + " sleep 3003")
        deadline = time.monotonic() + 30
        while len(marked_pids(self.marker)) < 4:  # bash, sleep 3001 (its bash exec'd it), sleep 3002, sleep 3003
            self.assertLess(time.monotonic(), deadline, "the processes did not start")
            time.sleep(0.1)
        os.kill(k.pid(), signal.SIGKILL)
        t0 = time.monotonic()
        while marked_pids(self.marker) and time.monotonic() - t0 < 5:
            time.sleep(0.02)
        gone_s = time.monotonic() - t0
        print("JBOX_ON_CRASH=kill: the dead kernel's processes were gone %.2f s after the SIGKILL" % gone_s)
        self.assertEqual([], marked_pids(self.marker))
        self.assertLess(gone_s, 2.0)

    def test_config_on_crash_kill_switches_the_policy_at_run_time(self):
        k = self.kernel()
        _, _, plain, _ = k.ok("%config --on-crash kill")
        self.assertIn("on-crash = kill", plain)
        k.ok("%bg " + self.env() + " sleep 3004")
        deadline = time.monotonic() + 30
        while not marked_pids(self.marker):
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.1)
        os.kill(k.pid(), signal.SIGKILL)
        t0 = time.monotonic()
        while marked_pids(self.marker) and time.monotonic() - t0 < 5:
            time.sleep(0.02)
        self.assertEqual([], marked_pids(self.marker))
        self.assertLess(time.monotonic() - t0, 2.0)

    def test_concurrent_kernels_adopt_only_their_own(self):
        a, b = self.kernel(), self.kernel()
        a.ok("%bg --name mine " + self.env() + " sleep 3005")
        b.ok("%bg --name theirs " + self.env() + " sleep 3006")
        a.ok("%bg --name second " + self.env() + " sleep 3007")
        pid_a = a.ps()["mine"]["pid"]
        pid_b = b.ps()["theirs"]["pid"]
        a.crash()
        b.crash()
        b.restart_in_place()
        a.restart_in_place()
        ps_a, ps_b = a.ps(), b.ps()
        self.assertEqual({"mine", "second"}, set(ps_a), ps_a)
        self.assertEqual({"theirs"}, set(ps_b), ps_b)
        self.assertEqual(pid_a, ps_a["mine"]["pid"])
        self.assertEqual(pid_b, ps_b["theirs"]["pid"])
        # a clean shutdown of a replacement kernel kills what it adopted, as it kills its own
        a.close()
        self.kernels.remove(a)
        self.assertFalse(pid_alive(pid_a))
        self.assertTrue(pid_alive(pid_b))

    def test_orphans_of_a_kernel_nobody_restarted_are_listed_adopted_and_killed(self):
        dead = self.kernel()
        dead.ok("%bg --name left " + self.env() + " sleep 3008")
        dead.ok("%bg --name done " + self.env() + " bash -c 'sleep 1; exit 5'")
        pid = dead.ps()["left"]["pid"]
        dead.crash()
        self.kernels.remove(dead)
        shutil.rmtree(dead.prefix, ignore_errors=True)
        time.sleep(2)  # "done" ends while no kernel watches it

        other = self.kernel()
        out, _, table, data = other.ok("%ps --orphans")
        self.assertIn("left", table)
        self.assertIn(dead.kernel_id[:-len(".json")], table, "the session column names the dead kernel")
        _, _, _, data = other.ok("%ps --orphans --json")
        orphans = {p["id"]: p for p in data[0]}
        self.assertEqual("RUNNING", orphans["left"]["state"])
        self.assertEqual("FAILED", orphans["done"]["state"])
        self.assertEqual(5, orphans["done"]["exitCode"])
        instance = orphans["left"]["adoptedFrom"].split("/")[-1]

        # the same from a shell, without a kernel: bin/jbox ps
        shell = jbox_ps(self.state)
        self.assertIn("left", shell)
        self.assertIn(dead.kernel_id[:-len(".json")], shell)
        listed = {p["id"]: p for p in json.loads(jbox_ps(self.state, "--json"))}
        self.assertEqual(pid, listed["left"]["pid"])
        self.assertEqual("RUNNING", listed["left"]["state"])
        self.assertEqual(5, listed["done"]["exitCode"])

        _, _, plain, _ = other.ok("%adopt " + instance + "/done")
        self.assertIn("adopted done", plain)
        self.assertIn("exit code 5", plain)
        _, _, plain, _ = other.ok("%kill " + instance + "/left")
        self.assertIn("killed the process tree of left", plain)
        self.assertFalse(pid_alive(pid))
        out, _, table, _ = other.ok("%ps --orphans")
        self.assertIn("no orphans", table)
        ps = other.ps()
        self.assertEqual("KILLED", ps["left"]["state"])
        self.assertEqual(5, ps["done"]["exitCode"])
        status, _, err, _, _ = other.run("%adopt nosuch/p9")
        self.assertEqual("error", status)
        self.assertIn("no orphan 'nosuch/p9'", err)


def jbox_ps(state_dir, *args):
    """Output of `bin/jbox ps ARGS` with the given state root."""
    jbox = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bin", "jbox")
    done = subprocess.run([jbox, "ps"] + list(args), env=dict(os.environ, JBOX_STATE_DIR=state_dir),
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise AssertionError("bin/jbox ps %s: exit %d: %s" % (" ".join(args), done.returncode, done.stderr))
    return done.stdout


def self_session(k):
    """The session key of a kernel: kernel-<id> (its connection file's name)."""
    return k.kernel_id[:-len(".json")]


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    write_counts("36-crash", result)
    sys.exit(0 if result.wasSuccessful() else 1)
