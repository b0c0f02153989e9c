"""jbox magics through a real Jupyter client (jupyter_client): asynchronous %bg output, %ps, %kill, %wait,
%sh, %stdin, interrupts, errors, 50 concurrent processes."""
import os
import re
import shutil
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import Kernel, pid_alive, write_counts  # noqa: E402


def read(path):
    with open(path) as f:
        return f.read()


class MagicsTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="jbox-magics-work-")
        cls.k = Kernel(cwd=cls.tmp)

    @classmethod
    def tearDownClass(cls):
        cls.k.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def ok(self, code, timeout=60):
        content, outs, idle, mid = self.k.execute(code, timeout)
        self.assertEqual("ok", content["status"], "%r failed: %s" % (code, content))
        return mid

    def err(self, code, timeout=60):
        content, outs, idle, mid = self.k.execute(code, timeout)
        self.assertEqual("error", content["status"], "%r should fail" % code)
        return content, mid

    def test_bg_replies_at_once_and_streams_after_idle_while_other_cells_run(self):
        k = self.k
        cmd = "%bg --name slowlines for i in $(seq 1 8); do echo \"line $i é\"; echo \"err $i\" >&2; sleep 0.4; done"
        t0 = time.monotonic()
        mid = k.send(cmd)
        rep, t_reply = k.reply(mid)
        self.assertEqual("ok", rep["content"]["status"])
        self.assertLess(t_reply - t0, 1.0, "%bg must reply well under a second")
        idle = k.wait_idle(mid)
        # other cells run meanwhile
        busy_windows = []
        for code in ["int x = 6 * 7;", "x", "%ps", "!sleep 0.5"]:
            content, outs, other_idle, other = k.execute(code)
            busy_start = min(t for t, m in k.timed(other))
            busy_windows.append((busy_start, other_idle))
        expected = "".join("line %d é\n" % i for i in range(1, 9))
        self.assertTrue(k.wait_text(mid, expected, timeout=30), "got %r" % k.text(mid))
        # stderr is its own stream: its last line may arrive just after stdout's
        expected_err = "".join("err %d\n" % i for i in range(1, 9))
        self.assertTrue(k.wait_text(mid, expected_err, stream="stderr", timeout=10), "got %r" % k.text(mid, "stderr"))
        streams = [(t, m) for t, m in k.timed(mid) if m["msg_type"] == "stream"]
        self.assertTrue(any(t > idle for t, m in streams), "stream messages after the cell's idle")
        self.assertTrue(any(a <= t <= b for t, m in streams for a, b in busy_windows),
                        "stream messages while other cells were running")
        self.assertTrue(all(m["parent_header"]["msg_id"] == mid for t, m in streams))
        statuses = [m for t, m in k.timed(mid) if m["msg_type"] == "status"]
        self.assertEqual(["busy", "idle"], [m["content"]["execution_state"] for m in statuses],
                         "no busy/idle of their own for the late output")
        panels = [m for t, m in k.timed(mid) if m["msg_type"] == "display_data"]
        self.assertEqual(1, len(panels))
        self.assertIn("display_id", panels[0]["content"]["transient"])

    def test_status_panel_is_updated_at_exit(self):
        k = self.k
        mid = self.ok("%bg --name paneljob sleep 0.6; exit 2")
        did = [m for m in k.outputs(mid) if m["msg_type"] == "display_data"][0]["content"]["transient"]["display_id"]
        w = self.ok("%wait paneljob")
        t, upd = k.wait_for(lambda t, m: m["msg_type"] == "update_display_data"
                            and m["content"]["transient"]["display_id"] == did
                            and "failed · exit 2 ·" in m["content"]["data"]["text/plain"], timeout=10)
        self.assertIn("paneljob", upd["content"]["data"]["text/plain"])

    def test_ps_moves_to_completed_failed_killed_with_exit_codes(self):
        self.ok("%bg --name okjob sleep 1")
        self.ok("%bg --name badjob sleep 0.5; exit 3")
        self.ok("%bg --name victim sleep 60")
        first = {p["id"]: p for p in self.k.json_result(self.ok("%ps --json --all"))}
        self.assertEqual("RUNNING", first["okjob"]["state"])
        self.assertIsNone(first["okjob"]["exitCode"])
        self.ok("%kill victim")
        self.ok("%wait okjob badjob")
        ps = {p["id"]: p for p in self.k.json_result(self.ok("%ps --json --all"))}
        self.assertEqual(("COMPLETED", 0), (ps["okjob"]["state"], ps["okjob"]["exitCode"]))
        self.assertEqual(("FAILED", 3), (ps["badjob"]["state"], ps["badjob"]["exitCode"]))
        self.assertEqual("KILLED", ps["victim"]["state"])
        table = self.k.result_text(self.ok("%ps"))
        self.assertRegex(table, r"badjob\s+\S*\s*\d+\s+failed\s+3")

    def test_kill_leaves_no_process_of_the_tree(self):
        f = os.path.join(self.tmp, "tree.pids")
        self.ok("%%bg --name tree\nsleep 100 & echo $! >> " + f + "\nsleep 100 & echo $! >> " + f + "\nwait\n")
        for _ in range(200):
            if os.path.exists(f) and len(read(f).split()) == 2:
                break
            time.sleep(0.05)
        pids = [int(p) for p in read(f).split()]
        self.assertEqual(2, len(pids))
        leader = [p for p in self.k.json_result(self.ok("%ps --json --all")) if p["id"] == "tree"][0]["pid"]
        out = self.k.result_text(self.ok("%kill tree"))
        self.assertIn("killed the process tree of tree", out)
        for _ in range(100):
            if not any(pid_alive(p) for p in pids + [leader]):
                break
            time.sleep(0.05)
        self.assertFalse(any(pid_alive(p) for p in pids + [leader]), "a process of the tree survived")

    def test_interrupt_during_sh_kills_it(self):
        f = os.path.join(self.tmp, "sh.pid")
        mid = self.k.send("%sh sleep 60 & echo $! > " + f + "; wait")
        for _ in range(200):
            if os.path.exists(f) and read(f).strip():
                break
            time.sleep(0.05)
        child = int(read(f))
        t0 = time.monotonic()
        self.k.interrupt()
        rep, t = self.k.reply(mid, 20)
        self.assertEqual("error", rep["content"]["status"])
        self.assertEqual("Interrupted", rep["content"]["ename"])
        self.assertLess(t - t0, 5)
        for _ in range(100):
            if not pid_alive(child):
                break
            time.sleep(0.05)
        self.assertFalse(pid_alive(child))
        self.k.wait_idle(mid)
        self.ok("int afterInterrupt = 1;")

    def test_interrupt_during_wait_stops_the_wait_not_the_process(self):
        self.ok("%bg --name sleeper sleep 60")
        mid = self.k.send("%wait sleeper")
        time.sleep(0.8)
        self.k.interrupt()
        rep, t = self.k.reply(mid, 20)
        self.assertEqual("error", rep["content"]["status"])
        self.assertEqual("Interrupted", rep["content"]["ename"])
        self.k.wait_idle(mid)
        ps = {p["id"]: p for p in self.k.json_result(self.ok("%ps --json --all"))}
        self.assertEqual("RUNNING", ps["sleeper"]["state"])
        self.ok("%kill sleeper")

    def test_stdin(self):
        mid = self.ok("%bg --stdin --name upper tr a-z A-Z")
        self.assertIn("sent 10 bytes", self.k.result_text(self.ok("%stdin upper some text")))
        self.ok("%stdin upper --eof")
        self.assertTrue(self.k.wait_text(mid, "SOME TEXT\n", timeout=10), self.k.text(mid))

    def test_sh_output_exit_codes_and_bang(self):
        mid = self.ok("!echo hello from bang")
        self.assertEqual("hello from bang\n", self.k.text(mid))
        content, mid = self.err("%sh echo partial; exit 7")
        self.assertEqual("ShellError", content["ename"])
        self.assertIn("exit code 7", content["evalue"])
        self.assertEqual("partial\n", self.k.text(mid))
        self.ok("%sh --no-raise exit 7")

    def test_unknown_ids_and_bad_options_are_clear_and_run_nothing(self):
        before = len(self.k.json_result(self.ok("%ps --json --all")))
        content, _ = self.err("%kill nosuchjob")
        self.assertRegex(content["evalue"], r"^no process 'nosuchjob'")
        content, _ = self.err("%bg --nme x sleep 1")
        self.assertEqual("UsageError", content["ename"])
        self.assertIn("--name", content["evalue"])
        self.assertNotIn("\n", content["evalue"])
        content, _ = self.err("%bg sleep 1\n%bgg sleep 1")
        self.assertEqual("unknown magic %bgg (did you mean %bg?)", content["evalue"])
        content, _ = self.err("%bg --timeout 3x sleep 1")
        self.assertIn("bad duration '3x'", content["evalue"])
        after = len(self.k.json_result(self.ok("%ps --json --all")))
        self.assertEqual(before, after, "nothing was started by the failing cells")

    def test_java_sees_jobs_and_sandbox(self):
        self.ok('var h = sandbox().commands().start("echo from-java; sleep 0.3");')
        mid = self.ok("h.waitFor().exitCode()")
        self.assertEqual("0", self.k.result_text(mid))
        ps = self.k.result_text(self.ok("%ps"))
        self.assertIn("echo from-java", ps)
        self.ok("%bg --name javaseen echo seen")
        self.ok("%wait javaseen")
        mid = self.ok('jobs().get("javaseen").stdout()')
        self.assertIn("seen", self.k.result_text(mid))

    def test_fifty_concurrent_bg(self):
        self.ok("%config --rate-limit 0")
        try:
            mids = []
            for i in range(50):
                content, outs, idle, mid = self.k.execute("%%bg --name many" + str(i) + "\nseq 1 20000\n")
                self.assertEqual("ok", content["status"], content)
                mids.append(mid)
            self.ok("%wait --all", timeout=120)
            expected = "".join("%d\n" % i for i in range(1, 20001))
            for mid in mids:
                self.assertTrue(self.k.wait_text(mid, expected, timeout=30), "cell %s: %d chars" % (mid, len(self.k.text(mid))))
            self.assertEqual("2", self.k.result_text(self.ok("1 + 1")))
        finally:
            self.ok("%config --rate-limit 256K")


class ShutdownTest(unittest.TestCase):
    """Kernel restart and shutdown kill the local sandbox's process trees."""

    def bg_pids(self, k, name):
        f = os.path.join(tempfile.gettempdir(), "jbox-%s-%d.pids" % (name, os.getpid()))
        if os.path.exists(f):
            os.remove(f)
        content, _, _, _ = k.execute("%%bg --name " + name + "\nsleep 100 & echo $! >> " + f + "\necho $$ >> " + f + "\nwait\n")
        self.assertEqual("ok", content["status"])
        for _ in range(200):
            if os.path.exists(f) and len(read(f).split()) == 2:
                break
            time.sleep(0.05)
        pids = [int(p) for p in read(f).split()]
        os.remove(f)
        self.assertEqual(2, len(pids))
        self.assertTrue(all(pid_alive(p) for p in pids))
        return pids

    def assert_all_gone(self, pids):
        for _ in range(200):
            if not any(pid_alive(p) for p in pids):
                break
            time.sleep(0.05)
        self.assertFalse([p for p in pids if pid_alive(p)], "orphans left")

    def test_restart_then_shutdown_leave_no_orphans(self):
        k = Kernel()
        try:
            before = self.bg_pids(k, "beforerestart")
            k.km.restart_kernel(now=False)
            k.kc.wait_for_ready(timeout=90)
            self.assert_all_gone(before)
            after = self.bg_pids(k, "afterrestart")
        finally:
            k.close()
        self.assert_all_gone(after)


if __name__ == "__main__":
    r = unittest.main(exit=False, verbosity=2).result
    write_counts("magics", r)
    sys.exit(0 if r.wasSuccessful() else 1)
