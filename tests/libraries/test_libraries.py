"""Notebook libraries through a real Jupyter client (jupyter_client): the kernel jar hides its own libraries."""
import os
import sys
import unittest
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "magics"))
from harness import JAR, write_counts  # noqa: E402


class KernelJarTest(unittest.TestCase):

    def test_no_class_outside_dev_jbox(self):
        """Every library of the kernel is relocated under dev/jbox/shaded, so none can shadow a notebook's own."""
        with zipfile.ZipFile(JAR) as z:
            names = z.namelist()
        classes = [n for n in names if n.endswith(".class")]
        self.assertGreater(len(classes), 1000)
        stray = [n for n in classes if not n.startswith("dev/jbox/")]
        self.assertEqual([], stray[:20], "classes outside dev/jbox/ in the kernel jar")
        services = [n for n in names if n.startswith("META-INF/services/") and not n.endswith("/")]
        self.assertEqual([], [s for s in services if not s.startswith("META-INF/services/dev.jbox.")],
                         "service files of unrelocated interfaces")
        self.assertTrue(any(n.startswith("dev/jbox/shaded/jackson/") for n in classes))


if __name__ == "__main__":
    r = unittest.main(exit=False, verbosity=2).result
    write_counts("libraries", r)
    sys.exit(0 if r.wasSuccessful() else 1)
