"""A Maven repository made by the tests, in a temp dir: real jars compiled with javac, POMs with a parent,
transitive dependencies, two versions of one library and a jar whose checksum is wrong; plus a small HTTP server
over it (optionally slow, behind basic auth, or acting as an HTTP proxy) for the remote cases."""
import base64
import hashlib
import http.server
import os
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.parse
import zipfile

G = "org.jboxtest"


def _pom(artifact, version, deps=(), parent=None, packaging="jar", extra=""):
    parent_xml = ""
    if parent:
        parent_xml = "<parent><groupId>%s</groupId><artifactId>%s</artifactId><version>%s</version></parent>" % parent
    deps_xml = "".join("<dependency><groupId>%s</groupId><artifactId>%s</artifactId><version>%s</version></dependency>" % d
                       for d in deps)
    group = "" if parent else "<groupId>%s</groupId>" % G
    ver = "" if parent else "<version>%s</version>" % version
    return ("<?xml version=\"1.0\"?><project><modelVersion>4.0.0</modelVersion>%s%s<artifactId>%s</artifactId>%s"
            "<packaging>%s</packaging>%s<dependencies>%s</dependencies></project>") % (
        parent_xml, group, artifact, ver, packaging, extra, deps_xml)


class MavenRepo:
    """Builds the repository under `root` (a file:// URL is `url`)."""

    def __init__(self, root=None):
        self.root = root or tempfile.mkdtemp(prefix="jbox-test-repo-")
        self.url = "file://" + self.root
        self._work = tempfile.mkdtemp(prefix="jbox-test-src-")
        self._classpath = []

    def path(self, artifact, version, ext):
        return os.path.join(self.root, *G.split("."), artifact, version, "%s-%s.%s" % (artifact, version, ext))

    def _write(self, path, data, bad_checksum=False):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        sha1 = hashlib.sha1(b"tampered" if bad_checksum else data).hexdigest()
        md5 = hashlib.md5(b"tampered" if bad_checksum else data).hexdigest()
        with open(path + ".sha1", "w") as f:
            f.write(sha1)
        with open(path + ".md5", "w") as f:
            f.write(md5)

    def pom_only(self, artifact, version, xml):
        self._write(self.path(artifact, version, "pom"), xml.encode())

    def jar(self, artifact, version, sources, deps=(), parent=None, bad_checksum=False, pom_extra="", pad=0):
        """Compiles `sources` ({"pkg/Name.java": text}) against the jars built so far and publishes them."""
        src = os.path.join(self._work, artifact + "-" + version)
        out = src + "-classes"
        os.makedirs(out, exist_ok=True)
        files = []
        for name, text in sources.items():
            p = os.path.join(src, name)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "w") as f:
                f.write(text)
            files.append(p)
        cmd = ["javac", "--release", "17", "-nowarn", "-d", out]
        if self._classpath:
            cmd += ["-cp", os.pathsep.join(self._classpath)]
        subprocess.run(cmd + files, check=True)
        jar_path = self.path(artifact, version, "jar")
        os.makedirs(os.path.dirname(jar_path), exist_ok=True)
        tmp_jar = os.path.join(self._work, artifact + "-" + version + ".jar")
        with zipfile.ZipFile(tmp_jar, "w") as z:
            for d, _, names in os.walk(out):
                for n in sorted(names):
                    full = os.path.join(d, n)
                    z.write(full, os.path.relpath(full, out))
            if pad:
                z.writestr("padding.bin", os.urandom(pad))  # incompressible: makes a download take a while
        with open(tmp_jar, "rb") as f:
            self._write(jar_path, f.read(), bad_checksum)
        self._classpath.append(tmp_jar)
        self.pom_only(artifact, version, _pom(artifact, version, deps, parent, extra=pom_extra))
        return jar_path

    def standard(self):
        """parent 1.0 (a property holds common's version), common 1.0 and 2.0, lib-a 1.0 -> common 1.0 (through the
        parent), lib-b 1.0 -> common 2.0, bad 1.0 (jar checksum wrong), big 1.0 (a 3 MB jar, for slow downloads)."""
        self.pom_only("parent", "1.0", _pom("parent", "1.0", packaging="pom",
                                            extra="<properties><common.version>1.0</common.version></properties>"))
        for v in ("1.0", "2.0"):
            only = "public static String onlyIn2() { return \"2 only\"; }" if v == "2.0" else ""
            self.jar("common", v, {"org/jboxtest/common/Common.java":
                                   "package org.jboxtest.common; public class Common { public static String version() "
                                   "{ return \"%s\"; } %s }" % (v, only)})
            self._classpath.pop()  # lib-a and lib-b compile against 1.0 only; 2.0's extra method is not used by them
        self._classpath.append(self.path("common", "1.0", "jar"))
        self.jar("lib-a", "1.0", {"org/jboxtest/a/A.java":
                                  "package org.jboxtest.a; public class A { public static String hello() "
                                  "{ return \"A uses common \" + org.jboxtest.common.Common.version(); } }"},
                 deps=[(G, "common", "${common.version}")], parent=(G, "parent", "1.0"))
        self.jar("lib-b", "1.0", {"org/jboxtest/b/B.java":
                                  "package org.jboxtest.b; public class B { public static String hello() "
                                  "{ return \"B uses common \" + org.jboxtest.common.Common.version(); } }"},
                 deps=[(G, "common", "2.0")])
        self.jar("bad", "1.0", {"org/jboxtest/bad/Bad.java": "package org.jboxtest.bad; public class Bad {}"},
                 bad_checksum=True)
        self.jar("big", "1.0", {"org/jboxtest/big/Big.java": "package org.jboxtest.big; public class Big {}"},
                 pad=3 * 1024 * 1024)
        return self

    def close(self):
        shutil.rmtree(self.root, ignore_errors=True)
        shutil.rmtree(self._work, ignore_errors=True)


def settings_xml(path, local_repo, extra=""):
    """A settings.xml of the test's own: its local repository in a temp dir, never ~/.m2/repository."""
    with open(path, "w") as f:
        f.write("<settings><localRepository>%s</localRepository>%s</settings>" % (local_repo, extra))
    return path


class RepoServer:
    """Serves a repository directory over HTTP on 127.0.0.1. `delay`: seconds between 16 KB chunks of a jar;
    `auth`: (user, password) required; also answers proxy-style requests (absolute URLs), counting them."""

    def __init__(self, root, delay=0.0, auth=None):
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_HEAD(self):
                self._serve(body=False)

            def do_GET(self):
                self._serve(body=True)

            def _serve(self, body):
                url = urllib.parse.urlparse(self.path)
                if url.scheme:
                    server.proxied.append(self.path)
                if auth:
                    want = "Basic " + base64.b64encode(("%s:%s" % auth).encode()).decode()
                    if self.headers.get("Authorization") != want:
                        self.send_response(401)
                        self.send_header("WWW-Authenticate", "Basic realm=\"test\"")
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                local = os.path.join(root, urllib.parse.unquote(url.path).lstrip("/"))
                if not os.path.isfile(local):
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                with open(local, "rb") as f:
                    data = f.read()
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if not body:
                    return
                try:
                    if delay and local.endswith(".jar"):
                        for i in range(0, len(data), 16384):
                            self.wfile.write(data[i:i + 16384])
                            self.wfile.flush()
                            time.sleep(delay)
                    else:
                        self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (an interrupt): expected

        self.proxied = []
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = "http://127.0.0.1:%d/" % self.port
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
