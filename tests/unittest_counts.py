"""Reads a unittest -v log and prints 'PASSED FAILED' for tests/run-all's total line."""
import re
import sys

text = open(sys.argv[1], errors="replace").read()
ran = re.findall(r"^Ran (\d+) tests?", text, re.M)
total = sum(int(r) for r in ran)
failed = 0
for m in re.finditer(r"^FAILED \((.*)\)", text, re.M):
    for kind, n in re.findall(r"(failures|errors)=(\d+)", m.group(1)):
        failed += int(n)
skipped = sum(int(n) for n in re.findall(r"skipped=(\d+)", text))
print(max(0, total - failed - skipped), failed)
