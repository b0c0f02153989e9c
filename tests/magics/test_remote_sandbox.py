"""The kernel on a remote sandbox, through a real Jupyter client: a real `jbox agent` on 127.0.0.1 chosen with
JBOX_SANDBOX or %sandbox connect; processes survive a kernel restart and are found again with all their output;
a dead agent is one clear line and the kernel keeps working."""
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import Kernel, ROOT, write_counts  # noqa: E402

AGENT_JAR = os.path.join(ROOT, "agent", "target", "jbox-agent.jar")
TOKEN = "remote-sandbox-test-token-5f1d2c"


class Agent:
    """A `jbox agent` process on a free loopback port, its token in a file."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="jbox-agent-")
        self.token_file = os.path.join(self.dir, "token")
        with open(self.token_file, "w") as f:
            f.write(TOKEN + "\n")
        self.log = open(os.path.join(self.dir, "agent.log"), "w")
        self.proc = subprocess.Popen(["java", "-jar", AGENT_JAR, "--port", "0", "--token-file", self.token_file,
                                      "--root", self.dir], stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
        if not m:
            self.stop()
            raise RuntimeError("agent did not start: " + line)
        self.url = m.group(1)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()  # graceful: the agent kills its process trees
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        self.log.close()


def ok(k, code, timeout=60):
    content, outs, _, mid = k.execute(code, timeout)
    if content["status"] != "ok":
        raise AssertionError("%r failed: %s" % (code, content))
    return mid


def error_line(k, code):
    content, outs, _, _ = k.execute(code)
    assert content["status"] == "error", "%r should fail: %s" % (code, content)
    errors = [m for m in outs if m["msg_type"] == "error"]
    assert len(errors) == 1, errors
    return content["evalue"]


class RemoteSandboxTest(unittest.TestCase):

    def setUp(self):
        self.agent = Agent()
        self.kernel = None

    def tearDown(self):
        if self.kernel:
            self.kernel.close()
        self.agent.stop()

    def test_restart_finds_the_agents_processes_again_with_all_their_output(self):
        # The choice is in the kernelspec (bin/jbox install --env), so the restarted kernel makes it again.
        k = self.kernel = Kernel(install_args=["--env", "JBOX_SANDBOX=" + self.agent.url,
                                               "--env", "JBOX_SANDBOX_TOKEN_FILE=" + self.agent.token_file])
        with open(os.path.join(self.kernel.prefix, "share", "jupyter", "kernels", "jbox", "kernel.json")) as f:
            self.assertEqual(self.agent.url, json.load(f)["env"]["JBOX_SANDBOX"])
        shown = k.result_text(ok(k, "%sandbox"))
        self.assertIn("agent " + self.agent.url, shown)
        self.assertNotIn(TOKEN, shown)
        bg = ok(k, "%bg --name train for i in $(seq 1 80); do echo step $i; sleep 0.05; done")
        deadline = time.monotonic() + 30
        while "step 3\n" not in k.text(bg) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertIn("step 3\n", k.text(bg), "live output from the agent")

        k.km.restart_kernel(now=False)
        k.kc.wait_for_ready(timeout=90)

        ps = k.result_text(ok(k, "%ps --all"))
        self.assertIn("train", ps)
        ok(k, "%wait train", timeout=60)
        logs = ok(k, "%logs train")
        expected = "".join("step %d\n" % i for i in range(1, 81))
        self.assertTrue(k.wait_text(logs, expected), "all output, once, in order: %r" % k.text(logs)[-200:])
        self.assertEqual("2", k.result_text(ok(k, "1 + 1")))

    def test_switch_in_a_cell_and_back(self):
        k = self.kernel = Kernel()
        self.assertIn("local", k.result_text(ok(k, "%sandbox")))
        switched = k.result_text(ok(k, "%sandbox connect " + self.agent.url + " --token-file " + self.agent.token_file))
        self.assertIn("agent " + self.agent.url, switched)
        sh = ok(k, "%sh pwd")
        self.assertEqual(os.path.realpath(self.agent.dir), os.path.realpath(k.text(sh).strip()),
                         "the command ran in the agent's root")
        ok(k, "%bg --name keeper sleep 60")
        back = k.result_text(ok(k, "%sandbox local"))
        self.assertIn("keep running", back)
        sh = ok(k, "%sh pwd")
        self.assertNotEqual(os.path.realpath(self.agent.dir), os.path.realpath(k.text(sh).strip()))
        self.assertIn("token", error_line(k, "%sandbox connect " + self.agent.url + " --token wrong").lower())
        self.assertIn("local", k.result_text(ok(k, "%sandbox")), "a failed switch keeps the current sandbox")

    def test_a_dead_agent_is_one_line_and_the_kernel_keeps_working(self):
        k = self.kernel = Kernel(extra_env={"JBOX_SANDBOX": self.agent.url, "JBOX_SANDBOX_TOKEN_FILE": self.agent.token_file})
        ok(k, "%bg --name sleeper sleep 60")
        pids = k.result_text(ok(k, "%ps"))
        self.assertIn("sleeper", pids)
        self.agent.stop()
        message = error_line(k, "%ps")
        self.assertIn(self.agent.url.split("//")[1], message)
        self.assertEqual("2", k.result_text(ok(k, "1 + 1")))
        self.assertIn("local", k.result_text(ok(k, "%sandbox local")))

    def test_a_bad_setting_does_not_stop_the_kernel(self):
        k = self.kernel = Kernel(extra_env={"JBOX_SANDBOX": "somewhere-else"})
        self.assertEqual("2", k.result_text(ok(k, "1 + 1")), "the kernel started")
        message = error_line(k, "%ps")
        self.assertIn("JBOX_SANDBOX='somewhere-else'", message)
        ok(k, "%sandbox local")
        self.assertIn("local", k.result_text(ok(k, "%sandbox")))


if __name__ == "__main__":
    r = unittest.main(exit=False, verbosity=2).result
    write_counts("remote-sandbox", r)
    sys.exit(0 if r.wasSuccessful() else 1)
