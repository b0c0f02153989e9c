"""Notebook libraries through a real Jupyter client (jupyter_client): %maven, %%maven, %classpath and %repo against
Maven repositories the tests build in temp dirs (file:// and HTTP on 127.0.0.1), with settings.xml and local
repositories of their own; one resolution from Maven Central; a Jackson other than the kernel's; install --maven."""
import json
import os
import re
import shutil
import sys
import tempfile
import time
import unittest
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "magics"))
sys.path.insert(0, os.path.dirname(__file__))
from harness import JAR, Kernel, write_counts  # noqa: E402
from maven_repo import MavenRepo, RepoServer, settings_xml  # noqa: E402


# The class-data archive speeds up a kernel's start but costs seconds at each install: these kernels go without.
NO_CDS = ("--no-cds",)


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


class LibraryKernel(unittest.TestCase):
    """Helpers for a kernel whose settings.xml and local repository live in a temp dir."""

    k = None

    @classmethod
    def start(cls, settings_extra="", env=None, install_args=()):
        cls.tmp = tempfile.mkdtemp(prefix="jbox-libs-")
        cls.local = os.path.join(cls.tmp, "local-repo")
        cls.settings = settings_xml(os.path.join(cls.tmp, "settings.xml"), cls.local, settings_extra)
        extra = {"JBOX_MAVEN_SETTINGS": cls.settings}
        extra.update(env or {})
        return Kernel(extra_env=extra, cwd=cls.tmp, install_args=NO_CDS + tuple(install_args))

    @classmethod
    def tearDownClass(cls):
        if cls.k:
            cls.k.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def run_cell(self, code, timeout=120):
        content, outs, idle, mid = self.k.execute(code, timeout)
        return content, mid

    def ok(self, code, timeout=120):
        content, mid = self.run_cell(code, timeout)
        self.assertEqual("ok", content["status"], "%r failed: %s" % (code, content.get("evalue")))
        return self.texts(mid)

    def err(self, code, timeout=120):
        content, mid = self.run_cell(code, timeout)
        self.assertEqual("error", content["status"], "%r should fail" % code)
        self.assertNotIn("\n", content["evalue"], "one line")
        return content["evalue"]

    def texts(self, mid):
        """Every text the cell showed: results, displays, streams."""
        out = []
        for m in self.k.outputs(mid):
            c = m["content"]
            if m["msg_type"] in ("execute_result", "display_data", "update_display_data"):
                out.append(c["data"].get("text/plain", ""))
            elif m["msg_type"] == "stream":
                out.append(c["text"])
        return "\n".join(out)

    def class_path(self):
        return self.ok("%classpath")


class FileRepositoryTest(LibraryKernel):

    @classmethod
    def setUpClass(cls):
        cls.repo = MavenRepo().standard()
        cls.k = cls.start()
        content, _, _, _ = cls.k.execute("%repo test " + cls.repo.url)
        assert content["status"] == "ok", content

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.repo.close()

    def test_1_transitive_dependency_through_a_parent_pom_and_the_next_line_of_the_cell_uses_it(self):
        out = self.ok("%maven org.jboxtest:lib-a:1.0\nSystem.out.println(org.jboxtest.a.A.hello());")
        self.assertIn("added org.jboxtest:lib-a:1.0 with 1 dependency (2 jars)", out)
        self.assertIn("A uses common 1.0", out)
        self.assertIn("A uses common 1.0", self.ok("import org.jboxtest.a.A;\nA.hello()"), "later cells see it too")
        self.assertTrue(os.path.isfile(os.path.join(self.local, "org", "jboxtest", "common", "1.0", "common-1.0.jar")),
                        "the test's own local repository is the cache")

    def test_2_asking_again_adds_nothing(self):
        self.ok("%maven org.jboxtest:lib-a:1.0")
        before = self.class_path()
        out = self.ok("%maven org.jboxtest:lib-a:1.0")
        self.assertIn("org.jboxtest:lib-a:1.0 is already on the class path: nothing added", out)
        self.assertEqual(before, self.class_path())

    def test_3_a_dependency_asking_for_another_version_gets_the_one_in_use_and_the_cell_says_why(self):
        self.ok("%maven org.jboxtest:lib-a:1.0")
        out = self.ok("%maven org.jboxtest:lib-b:1.0\norg.jboxtest.b.B.hello()")
        self.assertIn("added org.jboxtest:lib-b:1.0 (1 jar; 1 already on the class path)", out)
        self.assertIn("org.jboxtest:common: 1.0 in use, not 2.0 (asked for by org.jboxtest:lib-b:1.0): 1.0 is on the "
                      "class path since %maven org.jboxtest:lib-a:1.0", out)
        self.assertIn("B uses common 1.0", out)
        self.assertNotIn("common/2.0", self.class_path(), "versions are never mixed")

    def test_4_requesting_a_conflicting_version_is_refused_and_adds_nothing(self):
        self.ok("%maven org.jboxtest:lib-a:1.0")
        before = self.class_path()
        e = self.err("%maven org.jboxtest:common:2.0")
        self.assertIn("org.jboxtest:common:2.0 conflicts with 1.0, on the class path since %maven org.jboxtest:lib-a:1.0", e)
        self.assertIn("nothing was added", e)
        self.assertEqual(before, self.class_path())
        self.assertIn("CompileError", self.err_name("org.jboxtest.common.Common.onlyIn2()"))

    def err_name(self, code):
        content, _ = self.run_cell(code)
        return content.get("ename", "")

    def test_5_bad_input_is_one_clear_line_and_adds_nothing(self):
        self.ok("%maven org.jboxtest:lib-a:1.0")
        before = self.class_path()
        e = self.err("%maven org.jboxtest:bad:1.0")
        self.assertIn("org.jboxtest:bad:1.0: ", e)
        self.assertIn("checksum mismatch in test (" + self.repo.url + ") (expected ", e)
        e = self.err("%maven org.jboxtest:common")
        self.assertIn("malformed coordinates 'org.jboxtest:common'", e)
        self.assertIn("expected G:A[:ext[:classifier]]:V", e)
        for unknown in ["org.jboxtest:big:9.9", "org.jboxtest:no-such-lib:1.0"]:  # a version, an artifact
            e = self.err("%maven " + unknown)
            self.assertIn(unknown + ": not found in", e)
            self.assertIn("test (" + self.repo.url, e)
            self.assertIn("central (https://repo.maven.apache.org/maven2/)", e, "names the repositories that were tried")
        e = self.err("%classpath no/such.jar")
        self.assertIn("no such file or directory: no/such.jar", e)
        e = self.err("%classpath nothing/*.jar")
        self.assertIn("nothing/*.jar matches no file", e)
        for url, why in [("ftp://example.com/repo", "expected http(s)://host/path or file:///dir"),
                         ("not a url", "bad repository URL"),
                         ("https://me:secret@example.com/repo", "put them in a <server> with id x in settings.xml"),
                         ("file:///no/such/dir", "no such directory")]:
            self.assertIn(why, self.err("%repo x " + url))
        self.assertEqual(before, self.class_path())
        self.assertIn("A uses common 1.0", self.ok("org.jboxtest.a.A.hello()"), "the kernel keeps working")

    def test_6_an_unreachable_repository_is_named(self):
        down = RepoServer(self.repo.root)
        down.close()  # the port is free now: connections are refused
        self.ok("%repo down " + down.url)
        try:
            e = self.err("%maven org.jboxtest:only-somewhere-else:1.0")
            self.assertIn("cannot reach down (" + down.url + ")", e)
        finally:
            self.ok("%repo down " + self.repo.url)  # %repo replaces by name; keep later tests off the dead port

    def test_7_classpath_globs_directories_and_listing(self):
        libdir = os.path.join(self.tmp, "lib")
        os.makedirs(libdir, exist_ok=True)
        shutil.copy(self.repo.path("common", "2.0", "jar"), os.path.join(libdir, "common-2.0.jar"))
        shutil.copy(self.repo.path("lib-b", "1.0", "jar"), os.path.join(libdir, "lib-b.jar"))
        out = self.ok("%classpath lib/lib-*.jar\norg.jboxtest.b.B.hello()")
        self.assertIn("added 1 entry: lib-b.jar", out)
        self.assertIn(os.path.join(libdir, "lib-b.jar"), self.class_path())

    def test_8_cell_magic_takes_dependency_elements_with_exclusions(self):
        out = self.ok("%%maven\n<dependency>\n  <groupId>org.jboxtest</groupId>\n  <artifactId>lib-a</artifactId>\n"
                      "  <version>1.0</version>\n  <exclusions><exclusion><groupId>org.jboxtest</groupId>"
                      "<artifactId>common</artifactId></exclusion></exclusions>\n</dependency>\n")
        self.assertTrue("already on the class path" in out or "added org.jboxtest:lib-a:1.0 (1 jar)" in out, out)
        e = self.err("%%maven\n<dependency><groupId>org.jboxtest</groupId><artifactId>lib-a</artifactId>"
                     "<version>${lib.version}</version></dependency>")
        self.assertIn("is a property: write the version itself", e)


class ProgressAndInterruptTest(LibraryKernel):

    @classmethod
    def setUpClass(cls):
        cls.repo = MavenRepo().standard()
        cls.slow = RepoServer(cls.repo.root, delay=0.05)
        cls.k = cls.start()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.slow.close()
        cls.repo.close()

    def test_a_slow_download_shows_progress_in_place_and_an_interrupt_leaves_the_class_path_as_it_was(self):
        self.ok("%repo slow " + self.slow.url)
        before = self.class_path()
        mid = self.k.send("%maven org.jboxtest:big:1.0")
        # progress: one display, updated in place with the bytes so far
        self.k.wait_for(lambda t, m: m["parent_header"].get("msg_id") == mid and m["msg_type"] == "update_display_data"
                        and re.match(r"fetching big-1\.0\.jar from slow: [\d.]+ KB", m["content"]["data"]["text/plain"]),
                        timeout=120)
        self.k.interrupt()
        rep, _ = self.k.reply(mid, timeout=30)
        self.assertEqual("error", rep["content"]["status"])
        self.assertIn("interrupted: nothing was added", rep["content"]["evalue"])
        outs = self.k.outputs(mid)
        displays = [m for m in outs if m["msg_type"] == "display_data"]
        updates = [m for m in outs if m["msg_type"] == "update_display_data"]
        self.assertEqual(1, len(displays), "one progress display")
        ids = {m["content"]["transient"]["display_id"] for m in displays + updates}
        self.assertEqual(1, len(ids), "updated in place")
        shown = [m["content"]["data"]["text/plain"] for m in updates]
        self.assertTrue(any(re.match(r"fetching big-1\.0\.jar from slow: [\d.]+ [KM]?B so far", t) for t in shown), shown)
        self.assertEqual(before, self.class_path())
        self.assertEqual("error", self.run_cell("org.jboxtest.big.Big.class")[0]["status"])
        self.assertIn("2", self.ok("1 + 1"), "the kernel keeps running")


class SettingsTest(LibraryKernel):
    """settings.xml: <server> credentials by repository id, a <proxy>, <offline> with a warm cache and no network."""

    @classmethod
    def setUpClass(cls):
        cls.repo = MavenRepo().standard()
        cls.secure = RepoServer(cls.repo.root, auth=("reader", "s3cret"))
        cls.proxy = RepoServer(cls.repo.root)
        extra = ("<servers><server><id>secure</id><username>reader</username><password>s3cret</password></server></servers>"
                 "<proxies><proxy><id>p</id><active>true</active><protocol>http</protocol><host>127.0.0.1</host>"
                 "<port>%d</port><nonProxyHosts>127.0.0.1|localhost|repo.maven.apache.org</nonProxyHosts></proxy></proxies>" % cls.proxy.port)
        cls.k = cls.start(settings_extra=extra)

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.secure.close()
        cls.proxy.close()
        cls.repo.close()

    def test_1_credentials_come_from_settings_by_repository_id(self):
        self.ok("%repo other " + self.secure.url)
        e = self.err("%maven org.jboxtest:common:1.0")
        self.assertIn("other (" + self.secure.url + ")", e, "no credentials for 'other': refused")
        self.assertIn("401", e)
        self.ok("%repo secure " + self.secure.url)
        out = self.ok("%maven org.jboxtest:common:1.0\norg.jboxtest.common.Common.version()")
        self.assertIn("added org.jboxtest:common:1.0 (1 jar)", out)

    def test_2_an_http_proxy_from_settings_is_used(self):
        self.ok("%repo behindproxy http://repo.jboxtest.invalid/")
        out = self.ok("%maven org.jboxtest:big:1.0")
        self.assertIn("added org.jboxtest:big:1.0 (1 jar)", out)
        self.assertTrue(any("repo.jboxtest.invalid" in p for p in self.proxy.proxied), self.proxy.proxied)

    def test_3_offline_with_everything_cached_needs_no_network(self):
        self.ok("%repo secure " + self.secure.url)
        self.ok("%maven org.jboxtest:lib-a:1.0")  # fills this kernel's local repository (from 'secure' or 'behindproxy')
        offline = settings_xml(os.path.join(self.tmp, "offline.xml"), self.local, "<offline>true</offline>")
        k2 = Kernel(extra_env={"JBOX_MAVEN_SETTINGS": offline}, install_args=NO_CDS)
        try:
            # the same repository ids (the local repository remembers where each file came from), at an address
            # where nothing listens: offline, they are never asked
            for code in ["%repo secure http://127.0.0.1:9/", "%repo behindproxy http://127.0.0.1:9/",
                         "%maven org.jboxtest:lib-a:1.0\norg.jboxtest.a.A.hello()"]:
                content, _, _, mid = k2.execute(code, 120)
                self.assertEqual("ok", content["status"], content)
            self.assertIn("A uses common 1.0", str([m["content"].get("data") for m in k2.outputs(mid)]))
            content, _, _, _ = k2.execute("%maven org.jboxtest:bad:1.0", 120)
            self.assertEqual("error", content["status"])
            self.assertIn("offline in " + offline, content["evalue"])
        finally:
            k2.close()


class InstallMavenTest(LibraryKernel):
    """bin/jbox install --maven: resolved at install (fails early), carried in kernel.json as JBOX_MAVEN, on the class
    path before the first cell; the settings' mirror of central serves it."""

    @classmethod
    def setUpClass(cls):
        cls.repo = MavenRepo().standard()
        mirror = ("<mirrors><mirror><id>testmirror</id><mirrorOf>central</mirrorOf><url>%s</url></mirror></mirrors>"
                  % cls.repo.url)
        cls.k = cls.start(settings_extra=mirror, install_args=("--maven", "org.jboxtest:lib-a:1.0"))

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.repo.close()

    def test_the_first_cell_can_use_the_library(self):
        with open(os.path.join(self.k.prefix, "share", "jupyter", "kernels", "jbox", "kernel.json")) as f:
            spec = json.load(f)
        self.assertEqual("org.jboxtest:lib-a:1.0", spec["env"]["JBOX_MAVEN"])
        self.assertIn("A uses common 1.0", self.ok("org.jboxtest.a.A.hello()"))
        self.assertIn("JBOX_MAVEN", self.class_path())

    def test_a_bad_startup_library_is_one_line_in_the_first_cell_and_the_kernel_runs(self):
        k2 = Kernel(extra_env={"JBOX_MAVEN_SETTINGS": self.settings, "JBOX_MAVEN": "org.jboxtest:nope:1.0"},
                    install_args=NO_CDS)
        try:
            content, outs, _, mid = k2.execute("1 + 1")
            self.assertEqual("ok", content["status"])
            err = "".join(m["content"]["text"] for m in outs if m["msg_type"] == "stream" and m["content"]["name"] == "stderr")
            self.assertIn("JBOX_MAVEN: org.jboxtest:nope:1.0: not found in testmirror", err)
            self.assertEqual(1, err.count("\n"), err)
        finally:
            k2.close()


class CentralTest(LibraryKernel):
    """One real resolution from Maven Central, into a temp local repository (so it really downloads)."""

    @classmethod
    def setUpClass(cls):
        cls.k = cls.start()

    def test_gson_from_central(self):
        out = self.ok("%maven com.google.code.gson:gson:2.11.0", timeout=300)
        self.assertIn("added com.google.code.gson:gson:2.11.0", out)
        self.assertIn("downloaded in", out, "it came from the network, not a cache")
        self.assertIn('{\\"n\\":1}', self.ok('new com.google.gson.Gson().toJson(Map.of("n", 1))'))


class IsolationTest(LibraryKernel):
    """A Jackson other than the kernel's (2.18.2), with the user's default settings (~/.m2: a real artifact from
    Central, no test artifact): the notebook gets 2.21.0 and API that only 2.21 has."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="jbox-libs-")
        cls.k = Kernel(cwd=cls.tmp, install_args=NO_CDS)

    def test_the_notebook_gets_the_jackson_it_asked_for(self):
        self.ok("%maven com.fasterxml.jackson.core:jackson-databind:2.21.0", timeout=300)
        self.assertIn('"2.21.0"', self.ok("com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString()"))
        # JsonNode.optional(String) exists since 2.19: compiling against the kernel's 2.18 would fail
        self.assertIn("Optional[1]", self.ok('import com.fasterxml.jackson.databind.*;\n'
                                             'new ObjectMapper().readTree("{\\"a\\": 1}").optional("a").map(JsonNode::asInt)'))
        self.assertIn("2.21.0", self.ok("ObjectMapper.class.getProtectionDomain().getCodeSource().getLocation()"),
                      "loaded from the requested jar")
        self.assertIn("local", self.ok("%sandbox"), "the kernel's own (relocated) Jackson still works")


if __name__ == "__main__":
    r = unittest.main(exit=False, verbosity=2).result
    write_counts("libraries", r)
    sys.exit(0 if r.wasSuccessful() else 1)
