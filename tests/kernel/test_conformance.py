"""jupyter_kernel_test conformance suite against the jbox kernel: every test has a sample, none skips."""
import os
import unittest

import jupyter_kernel_test


class JboxConformance(jupyter_kernel_test.KernelTests):
    kernel_name = os.environ.get("JBOX_KERNEL", "jbox-test")
    language_name = "java"
    file_extension = ".jshell"

    code_hello_world = 'System.out.println("hello, world");'
    code_stderr = 'System.err.println("something went wrong");'

    completion_samples = [
        {"text": "Math.ab", "matches": {"abs(", "absExact("}},
        {"text": "System.out.printl", "matches": {"println("}},
    ]

    complete_code_samples = ["1 + 1", "int x = 1;", "void f() { }", "class A { }"]
    incomplete_code_samples = ["int y = ", "void g() {", "for (int i = 0; i < 3; i++) {", "class B {"]
    invalid_code_samples = ["}", ")"]

    code_page_something = "String?"

    code_generate_error = 'throw new IllegalStateException("boom");'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"a" + "b"', "result": '"ab"'},
        {"code": "html(\"<i>x</i>\")", "mime": "text/html", "result": "<i>x</i>"},
    ]

    code_display_data = [
        {"code": 'display(html("<b>bold</b>"));', "mime": "text/html"},
        {"code": 'display(markdown("*emphasis*"));', "mime": "text/markdown"},
        {"code": "display(42);", "mime": "text/plain"},
    ]

    code_history_pattern = "6*"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "Math.max"

    code_clear_output = 'System.out.println("gone"); clearOutput();'


if __name__ == "__main__":
    unittest.main()
