"""Protocol behaviour of the jbox kernel through jupyter_client: interrupt, stop_on_error, stdin, silent,
late thread output, restart, shutdown, bad input, control channel, comms, user_expressions."""
import os
import queue
import time
import unittest
import uuid

import zmq
from jupyter_client.manager import start_new_kernel
from jupyter_client.session import Session

KERNEL = os.environ.get("JBOX_KERNEL", "jbox-test")
KERNEL_25 = os.environ.get("JBOX_KERNEL_25", "jbox-test-25")
T = 30


def reply_to(kc, msg_id, timeout=T):
    deadline = time.time() + timeout
    while True:
        msg = kc.get_shell_msg(timeout=max(0.1, deadline - time.time()))
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg


def iopub_until_idle(kc, msg_id, timeout=T):
    """All iopub messages of request msg_id up to and including its idle status."""
    msgs, deadline = [], time.time() + timeout
    while True:
        msg = kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        msgs.append(msg)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return msgs


def drain(kc):
    for get in (kc.get_iopub_msg, kc.get_shell_msg):
        while True:
            try:
                get(timeout=0.05)
            except queue.Empty:
                break


def run(kc, code, **kw):
    msg_id = kc.execute(code, **kw)
    reply = reply_to(kc, msg_id)
    return reply, iopub_until_idle(kc, msg_id)


def stdout_of(msgs):
    return "".join(m["content"]["text"] for m in msgs if m["msg_type"] == "stream" and m["content"]["name"] == "stdout")


class KernelCase(unittest.TestCase):
    kernel_name = KERNEL

    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start_new_kernel(kernel_name=cls.kernel_name, startup_timeout=60)

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=False)

    def setUp(self):
        drain(self.kc)


class InterruptJdk17(KernelCase):
    kernel_name = KERNEL

    def interrupt_during(self, code):
        run(self.kc, "int survivor = 41;")
        msg_id = self.kc.execute(code)
        time.sleep(0.7)
        started = time.time()
        self.km.interrupt_kernel()
        reply = reply_to(self.kc, msg_id, timeout=10)
        self.assertLess(time.time() - started, 2.0, "interrupt took longer than 2 s")
        self.assertEqual(reply["content"]["status"], "error")
        errors = [m for m in iopub_until_idle(self.kc, msg_id) if m["msg_type"] == "error"]
        self.assertEqual(len(errors), 1)
        reply, msgs = run(self.kc, "survivor + 1")
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertEqual([m["content"]["data"]["text/plain"] for m in msgs if m["msg_type"] == "execute_result"], ["42"])

    def test_busy_loop(self):
        self.interrupt_during("while (true) { }")

    def test_sleep(self):
        self.interrupt_during("Thread.sleep(600_000);")

    def test_blocking_read(self):
        # allow_stdin: the read waits for an input_request answer that never comes
        self.interrupt_during("new java.util.Scanner(System.in).nextLine()")

    def test_java_version(self):
        self.kc.kernel_info()
        info = self.kc.get_shell_msg(timeout=T)["content"]["language_info"]
        self.assertEqual(info["name"], "java")
        self.assertEqual(info["version"].split(".")[0], self.expected_major)

    expected_major = "17"


class InterruptJdk25(InterruptJdk17):
    kernel_name = KERNEL_25
    expected_major = "25"


class Execution(KernelCase):

    def test_stop_on_error_aborts_queued(self):
        # The failing cell takes 500 ms, so the two behind it have reached the kernel before its reply (a request
        # that arrives after the reply runs: see test_queue.py).
        first = self.kc.execute('Thread.sleep(500); throw new RuntimeException("first fails");')
        second = self.kc.execute('System.out.println("must not run");')
        third = self.kc.execute("1 + 1")
        self.assertEqual(reply_to(self.kc, first)["content"]["status"], "error")
        for queued in (second, third):
            self.assertEqual(reply_to(self.kc, queued)["content"]["status"], "aborted")
            states = [m["content"]["execution_state"] for m in iopub_until_idle(self.kc, queued) if m["msg_type"] == "status"]
            self.assertEqual(states, ["busy", "idle"])
        reply, msgs = run(self.kc, 'System.out.println("runs again");')
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertIn("runs again", stdout_of(msgs))

    def test_no_abort_without_stop_on_error(self):
        first = self.kc.execute('throw new RuntimeException("x");', stop_on_error=False)
        second = self.kc.execute("2 + 3")
        self.assertEqual(reply_to(self.kc, first)["content"]["status"], "error")
        self.assertEqual(reply_to(self.kc, second)["content"]["status"], "ok")

    def test_exactly_one_error_message(self):
        reply, msgs = run(self.kc, 'System.out.println("before"); int[] a = new int[1]; a[3] = 1;')
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual([m["msg_type"] for m in msgs].count("error"), 1)
        self.assertFalse([m for m in msgs if m["msg_type"] == "stream" and m["content"]["name"] == "stderr"])

    def test_silent(self):
        before = run(self.kc, "1")[0]["content"]["execution_count"]
        reply, msgs = run(self.kc, 'System.out.println("hidden"); 5', silent=True)
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertEqual([m["msg_type"] for m in msgs], ["status", "status"])
        after = run(self.kc, "1")[0]["content"]["execution_count"]
        self.assertEqual(after, before + 1)

    def test_store_history_false_keeps_count(self):
        before = run(self.kc, "1")[0]["content"]["execution_count"]
        reply, msgs = run(self.kc, "2", store_history=False)
        self.assertEqual(reply["content"]["execution_count"], before)
        self.assertEqual(run(self.kc, "3")[0]["content"]["execution_count"], before + 1)

    def test_rerun_cell_runs_again(self):
        """The same cell text three times (jbox runs the class compiled the first time): output, value and error
        each time, as for a new cell; a redefinition in between is followed."""
        run(self.kc, "int reruns = 0;\nint step() { return 1; }")
        cell = 'System.out.println("run " + reruns);\nreruns += step()'
        for i in range(3):
            reply, msgs = run(self.kc, cell)
            self.assertEqual(reply["content"]["status"], "ok")
            self.assertEqual(stdout_of(msgs), f"run {i}\n")
            result = [m for m in msgs if m["msg_type"] == "execute_result"]
            self.assertEqual(result[0]["content"]["data"]["text/plain"], str(i + 1))
        run(self.kc, "int step() { return 10; }")
        reply, msgs = run(self.kc, cell)
        self.assertEqual(stdout_of(msgs), "run 3\n")
        self.assertEqual([m for m in msgs if m["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"], "13")
        failing = "\nList.of().get(reruns)"
        for _ in range(2):
            reply, msgs = run(self.kc, failing)
            self.assertEqual(reply["content"]["status"], "error")
            self.assertEqual(reply["content"]["ename"], "java.lang.ArrayIndexOutOfBoundsException")
            self.assertIn("(line 2)", reply["content"]["traceback"][-1])
            self.assertEqual([m["msg_type"] for m in msgs].count("error"), 1)

    def test_an_exception_from_a_hot_jdk_method_keeps_its_message_and_line(self):
        """Once C2 has compiled a JDK method that throws often, HotSpot's default throws a shared exception with no
        message and no trace; the kernel turns that off, so a cell's error still names its line."""
        warm = ("int missing = 0;\nfor (int i = 0; i < 200_000; i++) {\n"
                "    try { List.of(1, 2, 3).get(5); } catch (IndexOutOfBoundsException e) { if (e.getMessage() == null) missing++; }\n}\nmissing")
        reply, msgs = run(self.kc, warm)
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertEqual([m for m in msgs if m["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"], "0")
        reply, _ = run(self.kc, "\nList.of(1, 2, 3).get(5)")
        self.assertEqual(reply["content"]["status"], "error")
        self.assertIn("Index 5 out of bounds", reply["content"]["evalue"])
        self.assertIn("(line 2)", reply["content"]["traceback"][-1])

    def test_user_expressions(self):
        reply, _ = run(self.kc, "int ue = 6;", user_expressions={"sq": "ue * ue", "bad": "nope + 1"})
        ue = reply["content"]["user_expressions"]
        self.assertEqual(ue["sq"]["status"], "ok")
        self.assertEqual(ue["sq"]["data"]["text/plain"], "36")
        self.assertEqual(ue["bad"]["status"], "error")

    def test_thread_output_after_cell_finished(self):
        code = ('new Thread(() -> { try { Thread.sleep(400); } catch (InterruptedException e) { }'
                ' System.out.println("late line"); }).start();')
        first = self.kc.execute(code)
        self.assertEqual(reply_to(self.kc, first)["content"]["status"], "ok")
        iopub_until_idle(self.kc, first)
        second = self.kc.execute("Thread.sleep(1000);")
        reply_to(self.kc, second)
        parents = {}
        deadline = time.time() + 5
        while time.time() < deadline:
            try:
                m = self.kc.get_iopub_msg(timeout=0.5)
            except queue.Empty:
                continue
            if m["msg_type"] == "stream" and "late line" in m["content"]["text"]:
                parents["late"] = m["parent_header"]["msg_id"]
                break
        self.assertEqual(parents.get("late"), first, "late output must carry the cell that started the thread")

    def test_output_coalesced(self):
        reply, msgs = run(self.kc, 'for (int i = 0; i < 2000; i++) System.out.println("line " + i);')
        streams = [m for m in msgs if m["msg_type"] == "stream"]
        text = "".join(m["content"]["text"] for m in streams)
        self.assertEqual(text, "".join(f"line {i}\n" for i in range(2000)))
        self.assertLess(len(streams), 20, "println must not become one message each")

    def test_stdin_input_request(self):
        msg_id = self.kc.execute('String name = new java.util.Scanner(System.in).nextLine(); System.out.println("hi " + name);',
                                 allow_stdin=True)
        req = self.kc.get_stdin_msg(timeout=T)
        self.assertEqual(req["msg_type"], "input_request")
        self.assertEqual(req["parent_header"]["msg_id"], msg_id)
        self.assertFalse(req["content"]["password"])
        self.kc.input("duke")
        self.assertEqual(reply_to(self.kc, msg_id)["content"]["status"], "ok")
        self.assertIn("hi duke", stdout_of(iopub_until_idle(self.kc, msg_id)))

    def test_stdin_password(self):
        msg_id = self.kc.execute('String pw = readPassword("Password: "); pw.length()', allow_stdin=True)
        req = self.kc.get_stdin_msg(timeout=T)
        self.assertTrue(req["content"]["password"])
        self.assertEqual(req["content"]["prompt"], "Password: ")
        self.kc.input("s3cret")
        self.assertEqual(reply_to(self.kc, msg_id)["content"]["status"], "ok")
        results = [m for m in iopub_until_idle(self.kc, msg_id) if m["msg_type"] == "execute_result"]
        self.assertEqual(results[0]["content"]["data"]["text/plain"], "6")

    def test_stdin_not_allowed(self):
        reply, msgs = run(self.kc, "new java.util.Scanner(System.in).nextLine()", allow_stdin=False)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertIn("allow_stdin", " ".join(reply["content"]["traceback"]) + reply["content"]["evalue"])

    def test_exit_asks_the_frontend_to_close(self):
        for code in ("exit", "quit", "/exit"):
            reply, _ = run(self.kc, code)
            self.assertEqual(reply["content"]["status"], "ok")
            self.assertEqual(reply["content"]["payload"], [{"source": "ask_exit", "keepkernel": False}])
        reply, _ = run(self.kc, "int exitCount = 3; exitCount")
        self.assertEqual(reply["content"]["status"], "ok", "only a cell that is just exit asks to close")
        self.assertEqual(reply["content"]["payload"], [])

    def test_page_payload(self):
        reply, _ = run(self.kc, "Math.max?")
        payload = reply["content"]["payload"]
        self.assertEqual(payload[0]["source"], "page")
        self.assertIn("max", payload[0]["data"]["text/plain"])


class Channels(KernelCase):

    def test_kernel_info_on_control_repeated(self):
        for _ in range(2):
            msg = self.kc.session.msg("kernel_info_request", {})
            self.kc.control_channel.send(msg)
            reply = self.kc.get_control_msg(timeout=T)
            self.assertEqual(reply["msg_type"], "kernel_info_reply")
            self.assertEqual(reply["parent_header"]["msg_id"], msg["header"]["msg_id"])
            self.assertEqual(reply["content"]["protocol_version"], "5.3")
            self.assertEqual(reply["header"]["version"], "5.3")
            self.assertRegex(reply["header"]["date"].isoformat() if hasattr(reply["header"]["date"], "isoformat")
                             else reply["header"]["date"], r"\d{4}-\d\d-\d\dT")

    def test_comm_info_and_unknown_comm_open(self):
        msg_id = self.kc.comm_info()
        reply = reply_to(self.kc, msg_id)
        self.assertEqual(reply["content"], {"status": "ok", "comms": {}})
        comm_id = uuid.uuid4().hex
        msg = self.kc.session.msg("comm_open", {"comm_id": comm_id, "target_name": "no.such.target", "data": {}})
        self.kc.shell_channel.send(msg)
        closes = [m for m in iopub_until_idle(self.kc, msg["header"]["msg_id"]) if m["msg_type"] == "comm_close"]
        self.assertEqual(closes[0]["content"]["comm_id"], comm_id)

    def test_bad_input_is_dropped(self):
        cf = self.km.get_connection_info()
        ctx = zmq.Context.instance()
        sock = ctx.socket(zmq.DEALER)
        sock.linger = 0
        sock.connect(f"tcp://127.0.0.1:{cf['shell_port']}")
        key = cf["key"] if isinstance(cf["key"], bytes) else cf["key"].encode()
        good = Session(key=key)
        wrong = Session(key=b"not-the-key")
        try:
            sock.send_multipart([b"garbage"])                                   # not a message
            sock.send_multipart([b"<IDS|MSG>", b"sig", b"{}"])                 # too few frames
            wrong.send(sock, "kernel_info_request", {})                          # bad signature
            h = good.msg_header("kernel_info_request")
            frames = [b"{not json", b"{}", b"{}", b"{}"]
            sock.send_multipart([b"<IDS|MSG>", good.sign(frames).encode() if isinstance(good.sign(frames), str)
                                 else good.sign(frames)] + frames)               # invalid JSON, signed
            good.send(sock, "no_such_request", {})                               # unknown msg_type
            msg = good.msg("execute_request", {"silent": False})                 # missing 'code'
            good.send(sock, msg)
            broken = good.msg("kernel_info_request", {})
            del broken["header"]["msg_type"]                                     # header lacks msg_type
            good.send(sock, broken)
            self.assertEqual(sock.poll(1000), 0, "a dropped message must get no reply")
            good.send(sock, "kernel_info_request", {})
            self.assertEqual(sock.poll(10000), zmq.POLLIN)
            _, reply = good.feed_identities(sock.recv_multipart())
            reply = good.deserialize(reply)
            self.assertEqual(reply["msg_type"], "kernel_info_reply")
            del h
        finally:
            sock.close()
        msg_id = self.kc.kernel_info()
        self.assertEqual(reply_to(self.kc, msg_id)["msg_type"], "kernel_info_reply")


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


class Lifecycle(unittest.TestCase):

    def test_restart_and_shutdown(self):
        km, kc = start_new_kernel(kernel_name=KERNEL, startup_timeout=60)
        try:
            run(kc, "int kept = 1;")
            old_pid = km.provisioner.pid
            km.restart_kernel(now=False)
            kc.wait_for_ready(timeout=60)
            self.assertNotEqual(km.provisioner.pid, old_pid)
            self.assertFalse(pid_alive(old_pid), "the old kernel process must be gone after restart")
            drain(kc)
            reply, _ = run(kc, "kept")
            self.assertEqual(reply["content"]["status"], "error", "a restarted kernel starts with a fresh session")
            reply, msgs = run(kc, "2 * 21")
            self.assertEqual(reply["content"]["status"], "ok")
            msg_id = kc.history(hist_access_type="tail", n=50, output=False, raw=True)
            hist = kc.get_shell_msg(timeout=30)
            self.assertEqual(hist["parent_header"]["msg_id"], msg_id)
            sessions = {h[2]: h[0] for h in hist["content"]["history"]}
            self.assertIn("int kept = 1;", sessions, "the previous session's cells are in the history")
            self.assertLess(sessions["int kept = 1;"], sessions["2 * 21"], "under an earlier session number")
            pid = km.provisioner.pid
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=False)
        deadline = time.time() + 5
        while pid_alive(pid) and time.time() < deadline:
            time.sleep(0.05)
        self.assertFalse(pid_alive(pid), "kernel process left behind after shutdown")
        children = [p for p in os.listdir("/proc") if p.isdigit() and _ppid(p) == pid]
        self.assertEqual(children, [])

    def test_shutdown_request_exits_by_itself(self):
        km, kc = start_new_kernel(kernel_name=KERNEL, startup_timeout=60)
        try:
            pid = km.provisioner.pid
            msg = kc.session.msg("shutdown_request", {"restart": False})
            kc.control_channel.send(msg)
            reply = kc.get_control_msg(timeout=T)
            self.assertEqual(reply["content"], {"status": "ok", "restart": False})
            deadline = time.time() + 5
            while pid_alive(pid) and time.time() < deadline:
                time.sleep(0.05)
            self.assertFalse(pid_alive(pid), "kernel did not exit after shutdown_request")
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)


def _ppid(p):
    try:
        with open(f"/proc/{p}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (FileNotFoundError, IndexError, ValueError):
        return -1


if __name__ == "__main__":
    unittest.main()
