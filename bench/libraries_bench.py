#!/usr/bin/python3
"""Notebook libraries, through jupyter_client: what %maven costs, and what a longer class path costs every cell.

  /usr/bin/python3 bench/libraries_bench.py [--jar kernel/target/jbox.jar] [--runs 100] [--starts 5] [--settle 10]

1. `%maven` of a cached artifact with 10 transitive dependencies (a repository this script builds: 11 jars with a
   parent POM, resolved once beforehand into a temp local repository) to the end of the first cell that uses it,
   in a new kernel (the resolver loads on this first use): median of --starts kernels. Beside it, in the same
   kernels: a second %maven of another cached artifact (resolver loaded), and the reference, `%classpath` of the
   very same 11 jars (no resolution at all).
2. A new trivial cell (`1 + N`, a text never seen before) with 30 jars from ~/.m2/repository on the class path,
   against the same cells in a kernel with none: p50/p99 over --runs cells, one kernel at a time, after --settle
   seconds idle. Goal: ratio <= 1.2.
"""
import argparse
import glob
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from jupyter_client.manager import KernelManager

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "libraries"))
from maven_repo import G, MavenRepo, _pom, settings_xml  # noqa: E402


def build_repo():
    """app 1.0 -> d1 .. d10 (d1..d5 direct, d6..d10 through d1..d5), all under one parent POM; other 1.0 alone."""
    repo = MavenRepo()
    repo.pom_only("bench-parent", "1.0", _pom("bench-parent", "1.0", packaging="pom"))
    parent = (G, "bench-parent", "1.0")
    for i in range(10, 0, -1):
        deps = [(G, "d%d" % (i + 5), "1.0")] if i <= 5 else []
        repo.jar("d%d" % i, "1.0", {"org/jboxtest/d%d/D%d.java" % (i, i):
                                    "package org.jboxtest.d%d; public class D%d { public static int v() { return %d; } }" % (i, i, i)},
                 deps=deps, parent=parent)
    repo.jar("app", "1.0", {"org/jboxtest/app/App.java":
                            "package org.jboxtest.app; public class App { public static int sum() { return "
                            + " + ".join("org.jboxtest.d%d.D%d.v()" % (i, i) for i in range(1, 11)) + "; } }"},
             deps=[(G, "d%d" % i, "1.0") for i in range(1, 6)], parent=parent)
    repo.jar("other", "1.0", {"org/jboxtest/other/Other.java":
                              "package org.jboxtest.other; public class Other { public static int v() { return 1; } }"})
    return repo


class Session:
    def __init__(self, name, env):
        self.km = KernelManager(kernel_name=name)
        self.km.start_kernel(env=env)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=120)

    def run(self, code, timeout=300):
        """Seconds from sending to having the reply and the idle status; fails on an error."""
        t0 = time.perf_counter()
        mid = self.kc.execute(code, store_history=False)
        while True:
            m = self.kc.get_iopub_msg(timeout=timeout)
            if m["parent_header"].get("msg_id") == mid and m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                break
        while True:
            r = self.kc.get_shell_msg(timeout=timeout)
            if r["parent_header"].get("msg_id") == mid:
                break
        if r["content"]["status"] != "ok":
            raise RuntimeError("%r failed: %s" % (code, r["content"].get("evalue")))
        return time.perf_counter() - t0

    def close(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=False)


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def thirty_jars():
    """30 jars of distinct artifacts from the local Maven repository (the build filled it), in a stable order."""
    home = os.path.expanduser("~/.m2/repository")
    seen, out = set(), []
    for path in sorted(glob.glob(home + "/**/*.jar", recursive=True)):
        name = os.path.basename(path)
        if any(name.endswith(s) for s in ("-sources.jar", "-javadoc.jar", "-tests.jar")) or "/dev/jbox/" in path:
            continue
        artifact = os.path.dirname(os.path.dirname(path))
        if artifact in seen or os.path.getsize(path) < 20_000:
            continue
        seen.add(artifact)
        out.append(path)
        if len(out) == 30:
            break
    if len(out) < 30:
        raise SystemExit("need 30 jars in ~/.m2/repository (build jbox first); found %d" % len(out))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jar", default=os.path.join(ROOT, "kernel", "target", "jbox.jar"))
    ap.add_argument("--runs", type=int, default=100)
    ap.add_argument("--starts", type=int, default=5)
    ap.add_argument("--settle", type=float, default=10.0)
    a = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="jbox-libs-bench-")
    repo = build_repo()
    try:
        subprocess.run(["java", "-cp", a.jar, "dev.jbox.kernel.install.InstallMain", "install", "--prefix", tmp,
                        "--name", "jbox-libs-bench"], check=True, stdout=subprocess.DEVNULL)
        os.environ["JUPYTER_PATH"] = os.path.join(tmp, "share", "jupyter")
        settings = settings_xml(os.path.join(tmp, "settings.xml"), os.path.join(tmp, "local-repo"),
                                "<mirrors><mirror><id>bench</id><mirrorOf>*</mirrorOf><url>%s</url></mirror></mirrors>" % repo.url)
        env = dict(os.environ, JBOX_MAVEN_SETTINGS=settings, JBOX_LOG="warning")
        use = "org.jboxtest.app.App.sum()"
        warm = Session("jbox-libs-bench", env)  # fills the local repository: every later %maven finds all cached
        warm.run("%maven org.jboxtest:app:1.0 org.jboxtest:other:1.0")
        warm.close()
        jars = sorted(glob.glob(os.path.join(tmp, "local-repo", "org", "jboxtest", "d*", "1.0", "*.jar"))
                      + glob.glob(os.path.join(tmp, "local-repo", "org", "jboxtest", "app", "1.0", "*.jar")))
        assert len(jars) == 11, jars

        maven_first, maven_second, classpath = [], [], []
        for _ in range(a.starts):
            s = Session("jbox-libs-bench", env)
            try:
                s.run("1 + 1")  # the evaluator is up: what follows is the library's cost, not the kernel's start
                maven_first.append(s.run("%maven org.jboxtest:app:1.0\n" + use))
                maven_second.append(s.run("%maven org.jboxtest:other:1.0\norg.jboxtest.other.Other.v()"))
            finally:
                s.close()
            s = Session("jbox-libs-bench", env)
            try:
                s.run("1 + 1")
                classpath.append(s.run("%classpath " + " ".join(jars) + "\n" + use))
            finally:
                s.close()

        extra = thirty_jars()
        cells = {}
        for label, setup in (("none", None), ("30 jars", "%classpath " + " ".join(extra))):
            s = Session("jbox-libs-bench", env)
            try:
                if setup:
                    s.run(setup)
                for i in range(20):
                    s.run("2 + %d" % i)  # warm-up
                time.sleep(a.settle)
                cells[label] = [s.run("1 + %d" % (1000 + i)) for i in range(a.runs)]
            finally:
                s.close()

        print("%-58s %10s" % ("", "median ms"))
        print("%-58s %10.1f" % ("%maven, 10 deps cached, + first use (new kernel)", statistics.median(maven_first) * 1e3))
        print("%-58s %10.1f" % ("%maven, 2nd artifact cached, + first use", statistics.median(maven_second) * 1e3))
        print("%-58s %10.1f" % ("reference: %classpath of the same 11 jars + first use", statistics.median(classpath) * 1e3))
        print("%-58s %10.2f" % ("ratio %maven (new kernel) / %classpath", statistics.median(maven_first) / statistics.median(classpath)))
        print()
        n, t = cells["none"], cells["30 jars"]
        print("%-30s %10s %10s %8s  goal" % ("new cell `1 + N`", "no jars", "30 jars", "ratio"))
        print("%-30s %10.2f %10.2f %8.2f  <= 1.2" % ("p50 (ms)", pct(n, 50) * 1e3, pct(t, 50) * 1e3, pct(t, 50) / pct(n, 50)))
        print("%-30s %10.2f %10.2f %8.2f" % ("p99 (ms)", pct(n, 99) * 1e3, pct(t, 99) * 1e3, pct(t, 99) / pct(n, 99)))
        return 0 if pct(t, 50) <= 1.2 * pct(n, 50) else 1
    finally:
        repo.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
