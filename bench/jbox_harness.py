"""Benchmark helpers: a temporary kernelspec for the freshly built jar, and small jupyter_client utilities."""
import atexit
import os
import shutil
import subprocess
import tempfile
import time

ROOT = os.environ.get("JBOX_ROOT") or os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
JAR = os.path.join(ROOT, "kernel", "target", "jbox.jar")
JDK25 = "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"


def install_kernelspecs():
    """Installs 'jbox' (default java) and, when present, 'jbox-jdk25' into a temp dir put first on JUPYTER_PATH."""
    if os.environ.get("JBOX_TEST_PREFIX"):
        return os.environ["JBOX_TEST_PREFIX"]
    prefix = tempfile.mkdtemp(prefix="jbox-kernelspec-")
    atexit.register(shutil.rmtree, prefix, True)
    subprocess.run(["java", "-cp", JAR, "dev.jbox.kernel.install.InstallMain", "install", "--prefix", prefix],
                   check=True, stdout=subprocess.DEVNULL)
    if os.path.exists(JDK25):
        subprocess.run(["java", "-cp", JAR, "dev.jbox.kernel.install.InstallMain", "install", "--prefix", prefix,
                        "--name", "jbox-jdk25", "--java", JDK25], check=True, stdout=subprocess.DEVNULL)
    data = os.path.join(prefix, "share", "jupyter")
    os.environ["JUPYTER_PATH"] = data + os.pathsep + os.environ.get("JUPYTER_PATH", "")
    os.environ["JBOX_TEST_PREFIX"] = prefix
    return prefix


def run_cell(kc, code, timeout=30, **kwargs):
    """Executes code; returns (reply, [iopub messages of this request between busy and idle])."""
    msg_id = kc.execute(code, **kwargs)
    return collect(kc, msg_id, timeout)


def collect(kc, msg_id, timeout=30):
    reply = None
    deadline = time.time() + timeout
    while reply is None:
        m = kc.get_shell_msg(timeout=max(0.1, deadline - time.time()))
        if m["parent_header"].get("msg_id") == msg_id:
            reply = m
    out = []
    while True:
        m = kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            return reply, out
        if m["msg_type"] != "status":
            out.append(m)


def stdout_of(msgs, name="stdout"):
    return "".join(m["content"]["text"] for m in msgs if m["msg_type"] == "stream" and m["content"]["name"] == name)
