"""stop_on_error aborts exactly the execute requests that reached the kernel before the failed cell's reply, and an
interrupt_reply follows the interrupted cell's reply; through jupyter_client, on JDK 17 and JDK 25."""
import os
import time
import unittest

from test_protocol import KERNEL, KERNEL_25, KernelCase, iopub_until_idle, reply_to, run, stdout_of

ROUNDS = int(os.environ.get("JBOX_QUEUE_ROUNDS", "200"))
INTERRUPT_ROUNDS = int(os.environ.get("JBOX_QUEUE_INTERRUPT_ROUNDS", "40"))
SPIN = 'System.out.println("spinning"); while (true) { }'


class QueueBoundaryJdk17(KernelCase):
    kernel_name = KERNEL

    def start_spinning(self):
        """Sends a busy loop and returns once it runs (its first line arrived), so an interrupt hits the loop."""
        msg_id = self.kc.execute(SPIN)
        deadline = time.time() + 30
        while True:
            m = self.kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
            if (m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "stream"
                    and "spinning" in m["content"]["text"]):
                return msg_id

    def interrupt(self):
        """interrupt_request on control, as jupyter_client sends it for interrupt_mode message; returns its msg_id."""
        msg = self.kc.session.msg("interrupt_request", {})
        self.kc.control_channel.send(msg)
        return msg["header"]["msg_id"]

    def control_reply_to(self, msg_id):
        while True:
            m = self.kc.get_control_msg(timeout=30)
            if m["parent_header"].get("msg_id") == msg_id:
                return m

    def assert_next_cells_run(self, rounds, fail):
        """Rounds of: a cell that fails (fail() returns its msg_id), then a new cell sent the moment its reply came."""
        aborted = []
        for n in range(rounds):
            failing = fail(n)
            self.assertEqual(reply_to(self.kc, failing)["content"]["status"], "error", f"round {n}: the failing cell")
            nxt = self.kc.execute(f"{n} + 1")
            if reply_to(self.kc, nxt)["content"]["status"] != "ok":
                aborted.append(n)
            iopub_until_idle(self.kc, nxt)
        self.assertEqual(aborted, [], f"cells sent after the failed cell's reply were aborted in {len(aborted)}/{rounds} rounds")

    def assert_queued_cells_aborted(self, failing, queued):
        self.assertEqual(reply_to(self.kc, failing)["content"]["status"], "error")
        for msg_id in queued:  # in order, each with its busy/idle
            reply = self.kc.get_shell_msg(timeout=30)
            self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
            self.assertEqual(reply["content"]["status"], "aborted")
            states = [m["content"]["execution_state"] for m in iopub_until_idle(self.kc, msg_id) if m["msg_type"] == "status"]
            self.assertEqual(states, ["busy", "idle"])
        reply, msgs = run(self.kc, 'System.out.println("after the aborted ones");')
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertIn("after the aborted ones", stdout_of(msgs))

    def test_cell_sent_on_the_error_reply_runs(self):
        self.assert_next_cells_run(ROUNDS, lambda n: self.kc.execute(f'throw new RuntimeException("round {n}");'))

    def test_cells_sent_before_the_error_reply_are_aborted(self):
        # The failing cell takes 500 ms, so the three behind it have reached the kernel before its reply, also when a
        # loaded machine holds the client back between its sends.
        failing = self.kc.execute('Thread.sleep(500); throw new RuntimeException("fails");')
        queued = [self.kc.execute(f'System.out.println("queued {i} must not run");') for i in range(3)]
        self.assert_queued_cells_aborted(failing, queued)

    def test_cell_sent_on_the_interrupted_cells_reply_runs(self):
        def spin_and_interrupt(n):
            msg_id = self.start_spinning()
            self.interrupt()
            return msg_id
        self.assert_next_cells_run(INTERRUPT_ROUNDS, spin_and_interrupt)

    def test_cells_queued_behind_an_interrupted_cell_are_aborted(self):
        failing = self.start_spinning()
        queued = [self.kc.execute(f'System.out.println("queued {i} must not run");') for i in range(3)]
        time.sleep(0.2)  # the three are in the kernel
        self.interrupt()
        self.assert_queued_cells_aborted(failing, queued)

    def test_interrupt_reply_follows_the_interrupted_cell(self):
        """The cell's error is on IOPub before the interrupt's idle, and a cell sent on the interrupt_reply runs."""
        for n in range(INTERRUPT_ROUNDS):
            cell = self.start_spinning()
            intr = self.interrupt()
            self.control_reply_to(intr)
            nxt = self.kc.execute(f"{n} + 2")
            self.assertEqual(reply_to(self.kc, cell)["content"]["status"], "error")
            self.assertEqual(reply_to(self.kc, nxt)["content"]["status"], "ok", f"round {n}: the cell sent on the interrupt_reply")
            order = [(m["msg_type"], m["parent_header"].get("msg_id")) for m in self.iopub_through_idle_of(nxt)]
            self.assertEqual(order.count(("error", cell)), 1, order)
            self.assertIn(("status", intr), order, "the interrupt request's busy and idle are on IOPub")
            last_intr_status = max(i for i, o in enumerate(order) if o == ("status", intr))
            self.assertLess(order.index(("error", cell)), last_intr_status,
                            f"round {n}: the interrupt's idle came before the cell's error")

    def iopub_through_idle_of(self, msg_id):
        """Every IOPub message, of any request, up to the idle of msg_id."""
        msgs, deadline = [], time.time() + 30
        while True:
            m = self.kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
            msgs.append(m)
            if (m["msg_type"] == "status" and m["content"]["execution_state"] == "idle"
                    and m["parent_header"].get("msg_id") == msg_id):
                return msgs

    def test_no_abort_with_stop_on_error_false(self):
        first = self.kc.execute('Thread.sleep(100); throw new RuntimeException("x");', stop_on_error=False)
        second = self.kc.execute("2 + 3")
        self.assertEqual(reply_to(self.kc, first)["content"]["status"], "error")
        self.assertEqual(reply_to(self.kc, second)["content"]["status"], "ok")


class QueueBoundaryJdk25(QueueBoundaryJdk17):
    kernel_name = KERNEL_25


if __name__ == "__main__":
    unittest.main()
