"""The kernel on a HopX sandbox, through a real Jupyter client: `%sandbox hopx --base-url` against a local stand-in
for HopX's control API (tests/node/hopx-control-api.mjs) whose sandbox is a real `jbox agent`. The same flow as
HopX's "Complete Example" (three background tasks with env and timeout, polling until none is queued or running,
final states and output), then a kill, a failing command, and the bad settings, each one clear line."""
import json
import os
import re
import shutil
import subprocess
import sys
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from harness import Kernel, ROOT, write_counts  # noqa: E402
from test_remote_sandbox import Agent, TOKEN, ok, error_line  # noqa: E402

KEY = "hopx_kernel_interop_key"
TASKS = {
    "data-processing": ('echo "processing for $TASK_NAME"; sleep 0.5; echo "rows: 1200"',
                        "processing for data-processing\nrows: 1200\n"),
    # runs until the test saw it running (the agent runs commands in its root, where the test makes the file)
    "ml-training": ('echo "training for $TASK_NAME"; while [ ! -e trained ]; do sleep 0.05; done; echo "accuracy: 0.95"',
                    "training for ml-training\naccuracy: 0.95\n"),
    "report-generation": ('echo "report for $TASK_NAME"; sleep 0.2; echo "wrote report.pdf"',
                          "report for report-generation\nwrote report.pdf\n"),
}


class ControlApi:
    """The node stand-in for HopX's control API, on a free loopback port, in front of `agent`."""

    def __init__(self, agent):
        env = dict(os.environ, JBOX_AGENT_URL=agent.url, JBOX_TOKEN=TOKEN, HOPX_API_KEY=KEY)
        self.proc = subprocess.Popen(["node", os.path.join(ROOT, "tests", "node", "hopx-control-api.mjs")], env=env,
                                     stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
        if not m:
            self.stop()
            raise RuntimeError("the HopX stand-in did not start: " + line)
        self.url = m.group(1)

    def calls(self):
        with urllib.request.urlopen(self.url + "/_calls", timeout=10) as r:
            return json.load(r)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)
        self.proc.stdout.close()


class HopxSandboxTest(unittest.TestCase):

    def setUp(self):
        self.agent = Agent()
        self.api = ControlApi(self.agent)
        self.kernel = None
        self.sandbox_ids = []

    def tearDown(self):
        if self.kernel:
            self.kernel.close()
        self.api.stop()
        self.agent.stop()
        for sid in self.sandbox_ids:  # the logs jbox kept on the agent's machine for these sandboxes
            shutil.rmtree(os.path.join("/tmp/jbox-hopx", sid), ignore_errors=True)

    def switch(self, k, extra=""):
        shown = k.result_text(ok(k, "%sandbox hopx --base-url " + self.api.url + " --template code-interpreter" + extra))
        m = re.search(r"hopx sandbox (sbx_[0-9a-f]+)", shown)
        self.assertTrue(m, shown)
        self.sandbox_ids.append(m.group(1))
        self.assertIn("agent " + self.agent.url, shown)
        return m.group(1)

    def ps(self, k):
        return {p["id"]: p for p in k.json_result(ok(k, "%ps --all --json"))}

    def test_the_complete_example_through_the_magics(self):
        k = self.kernel = Kernel(extra_env={"HOPX_API_KEY": KEY})
        sid = self.switch(k, " --timeout 30m")
        self.assertEqual("POST /v1/sandboxes", self.api.calls()[0])

        cells = {}
        for name, (command, _) in TASKS.items():
            cells[name] = ok(k, "%%bg --name %s --timeout 10m --env TASK_NAME=%s %s" % (name, name, command))
        ok(k, '%bg --name broken echo "missing input.csv" >&2; exit 2')
        ok(k, "%bg --name server sleep 300")

        # Monitor as the example does: until none of the tasks is queued or running, by HopX's own state names.
        seen_active = False
        deadline = time.monotonic() + 60
        while True:
            procs = self.ps(k)
            active = [n for n in TASKS if procs[n]["backendState"] in ("queued", "running")]
            seen_active = seen_active or bool(active)
            if "ml-training" in active:
                open(os.path.join(self.agent.dir, "trained"), "w").close()
            if not active or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        self.assertTrue(seen_active and not active, "polled until none is queued or running: %s" % active)
        procs = self.ps(k)
        for name, (_, expected) in TASKS.items():
            self.assertEqual("completed", procs[name]["backendState"], procs[name])
            self.assertEqual("COMPLETED", procs[name]["state"])
            self.assertEqual(0, procs[name]["exitCode"])
            self.assertTrue(k.wait_text(cells[name], expected), "%s: its output streamed into its %%bg cell: %r"
                            % (name, k.text(cells[name])))
            logs = ok(k, "%logs " + name)
            self.assertTrue(k.wait_text(logs, expected), k.text(logs))
        deadline = time.monotonic() + 20
        while self.ps(k)["broken"]["backendState"] != "failed" and time.monotonic() < deadline:
            time.sleep(0.2)
        self.assertEqual("failed", self.ps(k)["broken"]["backendState"])
        self.assertEqual(2, self.ps(k)["broken"]["exitCode"])
        self.assertEqual("running", self.ps(k)["server"]["backendState"])
        table = k.result_text(ok(k, "%ps"))
        self.assertRegex(table, r"data-processing\s.*completed", "the table shows HopX's states too")

        self.assertIn("no stdin", error_line(k, "%stdin server hello"))
        self.assertIn("killed the process tree of server", k.result_text(ok(k, "%kill server")))
        deadline = time.monotonic() + 20
        while self.ps(k)["server"]["backendState"] != "killed" and time.monotonic() < deadline:
            time.sleep(0.2)
        self.assertEqual("killed", self.ps(k)["server"]["backendState"])
        self.assertIn("no process 'nope'", error_line(k, "%kill nope"))

        back_id = ok(k, "%sandbox local")
        back = k.result_text(back_id)
        self.assertIn("local", back)
        deadline = time.monotonic() + 10
        while self.api.calls()[-1] != "DELETE /v1/sandboxes/" + sid and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertEqual("DELETE /v1/sandboxes/" + sid, self.api.calls()[-1],
                         "created, so deleted when left; the cell said: %r" % k.text(back_id, "stderr"))
        self.assertEqual("2", k.result_text(ok(k, "1 + 1")))

    def test_bad_settings_are_one_line_and_the_kernel_keeps_working(self):
        k = self.kernel = Kernel(extra_env={"JBOX_SANDBOX": "hopx", "HOPX_API_KEY": ""})
        self.assertIn("no HopX API key: set HOPX_API_KEY", error_line(k, "%ps"))
        ok(k, "%sandbox local")
        self.assertIn("no HopX API key", error_line(k, "%sandbox hopx --base-url " + self.api.url))
        self.assertIn("still on local", error_line(k, "%sandbox hopx --base-url " + self.api.url))
        self.assertEqual("2", k.result_text(ok(k, "1 + 1")))

    def test_bad_url_unreachable_api_and_unknown_sandbox(self):
        k = self.kernel = Kernel(extra_env={"HOPX_API_KEY": KEY})
        self.assertIn("cannot reach the HopX control API at http://127.0.0.1:9: connection refused",
                      error_line(k, "%sandbox hopx --base-url http://127.0.0.1:9"))
        self.assertIn("no HopX sandbox 'sbx_nope'", error_line(k, "%sandbox hopx --base-url " + self.api.url + " --id sbx_nope"))
        self.assertIn("bad HopX base URL 'api.hopx.dev'", error_line(k, "%sandbox hopx --base-url api.hopx.dev"))
        self.assertIn("local", k.result_text(ok(k, "%sandbox")))


if __name__ == "__main__":
    r = unittest.main(exit=False, verbosity=2).result
    write_counts("hopx-sandbox", r)
    sys.exit(0 if r.wasSuccessful() else 1)
