"""Protocol behaviour through jupyter_client: interrupt (JDK 17 and the newest JDK), stop_on_error, stdin, silent,
output of threads after their cell finished, user_expressions, restart, shutdown, and malformed input."""
import os
import time
import unittest
import uuid

import zmq
from jupyter_client.manager import start_new_kernel
from jupyter_client.session import Session

from jbox_kernel import JDK25, collect, install_kernelspecs, run_cell, stdout_of

install_kernelspecs()


class KernelCase(unittest.TestCase):
    kernel_name = "jbox"

    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start_new_kernel(kernel_name=cls.kernel_name, startup_timeout=60)

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=False)

    def drain_iopub(self):
        while True:
            try:
                self.kc.get_iopub_msg(timeout=0.2)
            except Exception:
                return


class InterruptTests(KernelCase):
    """An interrupt stops the running cell within 2 s with an error, and the session goes on."""

    def interrupt_after(self, code, delay=0.7, **kwargs):
        run_cell(self.kc, "int kept = 41;")
        msg_id = self.kc.execute(code, **kwargs)
        time.sleep(delay)
        start = time.time()
        self.km.interrupt_kernel()
        reply, out = collect(self.kc, msg_id, timeout=10)
        elapsed = time.time() - start
        self.assertEqual(reply["content"]["status"], "error")
        self.assertLess(elapsed, 2.0, "interrupt took %.2fs" % elapsed)
        errors = [m for m in out if m["msg_type"] == "error"]
        self.assertEqual(len(errors), 1)
        reply, out = run_cell(self.kc, "kept + 1")
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertEqual([m["content"]["data"]["text/plain"] for m in out if m["msg_type"] == "execute_result"], ["42"])

    def test_busy_loop(self):
        self.interrupt_after("while (true) { }")

    def test_sleep(self):
        self.interrupt_after("Thread.sleep(100_000);")

    def test_blocking_read(self):
        # stdin allowed but never answered: the read blocks until the interrupt
        self.interrupt_after("new java.util.Scanner(System.in).nextLine()", allow_stdin=True)


@unittest.skipUnless(os.path.exists(JDK25), "no JDK 25 at " + JDK25)
class InterruptTestsJdk25(InterruptTests):
    kernel_name = "jbox-jdk25"

    def test_runs_on_jdk25(self):
        reply, out = run_cell(self.kc, 'System.getProperty("java.version")')
        self.assertTrue(out[-1]["content"]["data"]["text/plain"].startswith('"25'))


class ExecuteTests(KernelCase):

    def test_stop_on_error_aborts_queued(self):
        ids = [self.kc.execute('throw new RuntimeException("first")'), self.kc.execute("int never = 1;"),
               self.kc.execute("2 + 2")]
        replies = [collect(self.kc, i)[0]["content"]["status"] for i in ids]
        self.assertEqual(replies, ["error", "aborted", "aborted"])
        reply, _ = run_cell(self.kc, "never")
        self.assertEqual(reply["content"]["status"], "error", "an aborted cell must not have run")

    def test_no_stop_on_error_runs_queued(self):
        ids = [self.kc.execute('throw new RuntimeException("x")', stop_on_error=False), self.kc.execute("3 + 3")]
        self.assertEqual([collect(self.kc, i)[0]["content"]["status"] for i in ids], ["error", "ok"])

    def test_silent_sends_nothing_and_keeps_count(self):
        before = run_cell(self.kc, "1")[0]["content"]["execution_count"]
        reply, out = run_cell(self.kc, 'System.out.println("hidden"); 5', silent=True)
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertEqual(out, [])
        after = run_cell(self.kc, "1")[0]["content"]["execution_count"]
        self.assertEqual(after, before + 1)

    def test_store_history_false_keeps_count(self):
        before = run_cell(self.kc, "1")[0]["content"]["execution_count"]
        run_cell(self.kc, "2", store_history=False)
        self.assertEqual(run_cell(self.kc, "3")[0]["content"]["execution_count"], before + 1)

    def test_user_expressions(self):
        reply, _ = run_cell(self.kc, "int ue = 7;", user_expressions={"a": "ue * 6", "b": "nope()"})
        ue = reply["content"]["user_expressions"]
        self.assertEqual(ue["a"]["status"], "ok")
        self.assertEqual(ue["a"]["data"]["text/plain"], "42")
        self.assertEqual(ue["b"]["status"], "error")

    def test_stdin_roundtrip(self):
        msg_id = self.kc.execute('String name = new java.util.Scanner(System.in).nextLine(); "hi " + name', allow_stdin=True)
        req = self.kc.get_stdin_msg(timeout=10)
        self.assertEqual(req["msg_type"], "input_request")
        self.assertFalse(req["content"]["password"])
        self.kc.input("jbox")
        reply, out = collect(self.kc, msg_id)
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertEqual(out[-1]["content"]["data"]["text/plain"], '"hi jbox"')

    def test_password(self):
        msg_id = self.kc.execute('readPassword("secret: ").length()', allow_stdin=True)
        req = self.kc.get_stdin_msg(timeout=10)
        self.assertTrue(req["content"]["password"])
        self.assertEqual(req["content"]["prompt"], "secret: ")
        self.kc.input("12345")
        reply, out = collect(self.kc, msg_id)
        self.assertEqual(out[-1]["content"]["data"]["text/plain"], "5")

    def test_stdin_not_allowed(self):
        reply, out = run_cell(self.kc, "new java.util.Scanner(System.in).nextLine()", allow_stdin=False)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertIn("stdin", (reply["content"]["evalue"] + " ".join(reply["content"]["traceback"])).lower())

    def test_thread_output_stays_with_its_cell(self):
        first = self.kc.execute('new Thread(() -> { for (int i = 0; i < 5; i++) { System.out.println("bg " + i); '
                                'try { Thread.sleep(200); } catch (InterruptedException e) { } } }).start();')
        _, early = collect(self.kc, first)
        second = self.kc.execute('Thread.sleep(1500); System.out.println("second");')
        texts = {first: stdout_of(early), second: ""}
        deadline = time.time() + 10
        idle_second = False
        while time.time() < deadline and not (idle_second and texts[first].count("bg") == 5):
            try:
                m = self.kc.get_iopub_msg(timeout=0.5)
            except Exception:
                continue
            parent = m["parent_header"].get("msg_id")
            if m["msg_type"] == "stream" and parent in texts:
                texts[parent] += m["content"]["text"]
            if parent == second and m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                idle_second = True
        self.assertEqual(texts[first], "".join("bg %d\n" % i for i in range(5)))
        self.assertEqual(texts[second], "second\n")

    def test_stdout_is_coalesced(self):
        reply, out = run_cell(self.kc, 'for (int i = 0; i < 10000; i++) System.out.println("line " + i);')
        streams = [m for m in out if m["msg_type"] == "stream"]
        text = stdout_of(out)
        self.assertEqual(text, "".join("line %d\n" % i for i in range(10000)))
        self.assertLess(len(streams), 50, "expected coalesced stream messages, got %d" % len(streams))


class LifecycleTests(unittest.TestCase):

    def test_restart_gives_fresh_session(self):
        km, kc = start_new_kernel(kernel_name="jbox", startup_timeout=60)
        try:
            run_cell(kc, "int before = 1;")
            old_pid = km.provisioner.process.pid
            km.restart_kernel(now=False)
            kc.wait_for_ready(timeout=60)
            self.assertNotEqual(km.provisioner.process.pid, old_pid)
            self.assertFalse(_alive(old_pid), "the old kernel process is still running")
            reply, _ = run_cell(kc, "before")
            self.assertEqual(reply["content"]["status"], "error")
            self.assertEqual(run_cell(kc, "1 + 1")[0]["content"]["status"], "ok")
        finally:
            kc.stop_channels()
            km.shutdown_kernel()

    def test_shutdown_leaves_no_process(self):
        km, kc = start_new_kernel(kernel_name="jbox", startup_timeout=60)
        pid = km.provisioner.process.pid
        kc.stop_channels()
        km.shutdown_kernel(now=False)
        deadline = time.time() + 5
        while _alive(pid) and time.time() < deadline:
            time.sleep(0.1)
        self.assertFalse(_alive(pid))


class BadInputTests(KernelCase):
    """Malformed messages are dropped with a log line; the kernel keeps answering."""

    def raw_shell(self):
        ctx = zmq.Context.instance()
        s = ctx.socket(zmq.DEALER)
        s.setsockopt(zmq.LINGER, 0)
        s.connect("%s://%s:%d" % (self.km.transport, self.km.ip, self.km.shell_port))
        self.addCleanup(s.close)
        return s

    def assert_still_answers(self, sock):
        session = Session(key=self.km.session.key)
        session.send(sock, session.msg("kernel_info_request", {}))
        self.assertTrue(sock.poll(10000), "no kernel_info_reply after bad input")
        idents, msg = session.feed_identities(sock.recv_multipart())
        reply = session.deserialize(msg)
        self.assertEqual(reply["msg_type"], "kernel_info_reply")
        self.assertEqual(reply["content"]["status"], "ok")

    def test_each_bad_message_then_kernel_info(self):
        sock = self.raw_shell()
        good = Session(key=self.km.session.key)
        bad_key = Session(key=b"not-the-key")
        unsigned = Session(key=b"")
        header = good.msg_header("execute_request")
        cases = {
            "garbage frames": [b"hello", b"world"],
            "no delimiter": [b"x"] * 6,
            "too few frames": [b"<IDS|MSG>", b"sig"],
            "bad signature": None,
            "missing signature": None,
            "invalid JSON": None,
            "unknown msg_type": None,
            "missing fields": None,
        }
        for name, frames in cases.items():
            with self.subTest(case=name):
                if name == "bad signature":
                    bad_key.send(sock, bad_key.msg("execute_request", {"code": "int hacked = 1;"}))
                elif name == "missing signature":
                    unsigned.send(sock, unsigned.msg("execute_request", {"code": "int hacked = 1;"}))
                elif name == "invalid JSON":
                    parts = [b"{not json", b"{}", b"{}", b"{}"]
                    sock.send_multipart([b"<IDS|MSG>", good.sign(parts)] + parts)
                elif name == "unknown msg_type":
                    good.send(sock, good.msg("no_such_request", {}))
                elif name == "missing fields":
                    good.send(sock, good.msg("execute_request", {"silent": False}))
                else:
                    sock.send_multipart(frames)
                self.assert_still_answers(sock)
        reply, _ = run_cell(self.kc, "hacked")
        self.assertEqual(reply["content"]["status"], "error", "a badly signed execute_request must not run")


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


if __name__ == "__main__":
    unittest.main()
