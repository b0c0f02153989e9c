"""The Jupyter kernel conformance suite (jupyter_kernel_test) against jbox, every test active."""
import unittest

import jupyter_kernel_test

from jbox_kernel import install_kernelspecs

install_kernelspecs()


class JboxConformance(jupyter_kernel_test.KernelTests):
    kernel_name = "jbox"
    language_name = "java"
    file_extension = ".jshell"

    code_hello_world = 'System.out.println("hello, world");'
    code_stderr = 'System.err.println("oops");'

    completion_samples = [
        {"text": "Math.ma", "matches": {"max("}},
        {"text": "\"abc\".toUpperC", "matches": {"toUpperCase("}},
    ]
    complete_code_samples = ["1 + 1", "int x = 3;", "void f() { }", "class A { }", "import java.util.List;"]
    incomplete_code_samples = ["void f() {", "int x = (1 +", "for (int i = 0; i < 3; i++) {", "int[] a = {1, 2,"]
    invalid_code_samples = [")", "int x = 1; }"]

    code_page_something = "String?"
    code_generate_error = 'throw new IllegalStateException("boom")'
    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": "\"abc\" + \"def\"", "result": "\"abcdef\""},
        {"code": "java.util.List.of(1, 2)", "result": "[1, 2]"},
    ]
    code_display_data = [
        {"code": 'display(html("<b>bold</b>"));', "mime": "text/html"},
        {"code": 'display(markdown("# title"));', "mime": "text/markdown"},
        {"code": 'display("plain");', "mime": "text/plain"},
    ]
    code_history_pattern = "6 * *"
    supported_history_operations = ("tail", "range", "search")
    code_inspect_sample = "Math.max"
    code_clear_output = "clearOutput();"


if __name__ == "__main__":
    unittest.main()
