"""Executes the example notebooks with `jupyter nbconvert --execute` on the jbox kernel (kernelspec in a temp
dir) and checks their saved outputs."""
import base64
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

import nbformat

sys.path.insert(0, os.path.dirname(__file__))
from harness import ROOT, install_kernelspec, write_counts  # noqa: E402


def outputs_text(cell):
    parts = []
    for o in cell.get("outputs", []):
        if o["output_type"] == "stream":
            parts.append(o["text"])
        elif o["output_type"] in ("execute_result", "display_data"):
            parts.append(o["data"].get("text/plain", ""))
        elif o["output_type"] == "error":
            parts.append(o["ename"] + ": " + o["evalue"])
    return "".join(parts)


class NotebooksTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.prefix, cls.env = install_kernelspec()
        cls.work = tempfile.mkdtemp(prefix="jbox-nb-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.prefix, ignore_errors=True)
        shutil.rmtree(cls.work, ignore_errors=True)

    def execute(self, name):
        src = os.path.join(ROOT, "notebooks", name)
        shutil.copy(src, self.work)
        r = subprocess.run(["jupyter", "nbconvert", "--to", "notebook", "--execute", "--output", "executed-" + name,
                            "--ExecutePreprocessor.timeout=120", "--ExecutePreprocessor.kernel_name=jbox",
                            os.path.join(self.work, name)], env=self.env, cwd=self.work, capture_output=True, text=True,
                           timeout=600)
        self.assertEqual(0, r.returncode, "nbconvert failed:\n" + r.stderr[-3000:])
        nb = nbformat.read(os.path.join(self.work, "executed-" + name), 4)
        return {c.source.split("\n")[0]: c for c in nb.cells if c.cell_type == "code"}

    def test_getting_started(self):
        cells = self.execute("getting-started.ipynb")
        self.assertRegex(outputs_text(cells['System.out.println("Hello from Java " + Runtime.version().feature());']),
                         r"^Hello from Java \d+\n$")
        self.assertIn("16.414213562373", outputs_text(cells["record Point(int x, int y) {"]))
        rich = cells['display(html("<b>bold</b> and <i>italic</i> from Java"));']
        self.assertTrue(any("text/html" in o.get("data", {}) and "<b>bold</b>" in o["data"]["text/html"]
                            for o in rich.outputs), rich.outputs)
        self.assertIn("done: 3 points", outputs_text(rich))
        self.assertIn("%wait", outputs_text(cells["%lsmagic"]))
        self.assertIn("%%bg", outputs_text(cells["%lsmagic"]))
        self.assertIn("Usage: %bg", outputs_text(cells["%bg?"]))
        mixed = outputs_text(cells["int n = 3;"])
        self.assertIn("hello from the shell, Linux", mixed)
        self.assertIn("42", mixed)
        self.assertIn("sandbox: local", outputs_text(cells["%sandbox"]))

    def test_libraries(self):
        cells = self.execute("libraries.ipynb")
        self.assertIn("added com.google.code.gson:gson:2.11.0", outputs_text(cells["%maven com.google.code.gson:gson:2.11.0"]))
        gson = outputs_text(cells["import com.google.gson.*;"])
        self.assertIn('"name": "Lyon"', gson)
        self.assertIn('"Porto"', gson)
        self.assertIn("added org.knowm.xchart:xchart:3.8.8", outputs_text(cells["%maven org.knowm.xchart:xchart:3.8.8"]))
        for first_line, size in [("import org.knowm.xchart.*;", (600, 400)), ("// a picture drawn by hand: any RenderedImage shows as PNG", (240, 60))]:
            pngs = [o["data"]["image/png"] for o in cells[first_line].outputs if "image/png" in o.get("data", {})]
            self.assertEqual(1, len(pngs), cells[first_line].outputs)
            png = base64.b64decode(pngs[0])
            self.assertEqual(b"\x89PNG\r\n\x1a\n", png[:8])
            self.assertEqual(size, struct.unpack(">II", png[16:24]), "width and height from the PNG header")
        self.assertIn("gson-2.11.0.jar", outputs_text(cells["%classpath"]))

    def test_background_commands(self):
        cells = self.execute("background-commands.ipynb")
        first = cells["%%bg --name count"]
        panel = [o for o in first.outputs if o["output_type"] == "display_data"]
        self.assertEqual(1, len(panel))
        self.assertIn("count ·", panel[0]["data"]["text/plain"])
        self.assertIn("completed · exit 0", panel[0]["data"]["text/plain"], "the panel was updated at exit")
        waited = outputs_text(cells["%wait count"])
        self.assertIn("count finished\n", waited)
        self.assertIn("count: completed, exit code 0", waited)
        self.assertIn("<title>Directory listing for /</title>", outputs_text(cells["%sh for i in $(seq 1 100); do grep -q 'http://' web.log 2>/dev/null && break; sleep 0.1; done"]))
        ps_keys = [k for k in cells if k == "%ps"]
        self.assertTrue(ps_keys)
        par = outputs_text(cells["%wait t1 t2 t3"])
        for t in ("t1", "t2", "t3"):
            self.assertIn(t + ": completed, exit code 0", par)
        failing = cells["%sh ls /no/such/dir"]
        err = [o for o in failing.outputs if o["output_type"] == "error"]
        self.assertEqual(1, len(err))
        self.assertEqual("ShellError", err[0]["ename"])
        self.assertIn("exit code 2", err[0]["evalue"])
        self.assertIn("No such file or directory", outputs_text(failing))
        self.assertIn("exit code 2", outputs_text(cells["%sh --no-raise ls /no/such/dir"]))
        self.assertIn("broken: failed, exit code 3", outputs_text(cells["%wait broken"]))
        self.assertIn("killed the process tree of web", outputs_text(cells["%kill web"]))
        self.assertEqual("step 5 of 5\ncount finished\n", outputs_text(cells["%logs count --tail 2"]))
        self.assertIn("GET / HTTP", outputs_text(cells["%logs web --stderr --tail 3"]))
        self.assertEqual("0", outputs_text(cells['var h = sandbox().commands().start("for i in 1 2 3; do echo java-$i; sleep 0.2; done",']).strip())
        self.assertIn("java-1\\njava-2\\njava-3\\n", outputs_text(cells['jobs().get("fromjava").stdout()']))
        final_ps = outputs_text(cells["%ps --all"])
        for name, state in (("count", "completed"), ("web", "killed"), ("broken", "failed"), ("fromjava", "completed")):
            self.assertRegex(final_ps, name + r"\s+.*" + state)


if __name__ == "__main__":
    r = unittest.main(exit=False, verbosity=2).result
    write_counts("notebooks", r)
    sys.exit(0 if r.wasSuccessful() else 1)
