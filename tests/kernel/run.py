"""Runs the kernel test modules given on the command line and writes 'PASSED FAILED' to the counts file."""
import sys
import unittest

counts_file, modules = sys.argv[1], sys.argv[2:]
suite = unittest.TestSuite(unittest.defaultTestLoader.loadTestsFromName(m) for m in modules)


class Result(unittest.TextTestResult):
    """Counts subtests too, and treats a skip as a failure: every test must run."""

    passed_subtests = 0

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is None:
            self.passed_subtests += 1

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.failures.append((test, "skipped (not allowed): " + reason))


runner = unittest.TextTestRunner(verbosity=2, resultclass=Result)
result = runner.run(suite)
failed = len(result.failures) + len(result.errors)
passed = result.testsRun - failed
with open(counts_file, "w") as f:
    f.write(f"{passed} {failed}\n")
sys.exit(0 if failed == 0 and result.testsRun > 0 else 1)
