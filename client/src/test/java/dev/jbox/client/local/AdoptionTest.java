package dev.jbox.client.local;

import dev.jbox.client.CommandHandle;
import dev.jbox.client.CommandResult;
import dev.jbox.client.CrashPolicy;
import dev.jbox.client.LocalOptions;
import dev.jbox.client.ProcessInfo;
import dev.jbox.client.ProcessState;
import dev.jbox.client.RunOptions;
import dev.jbox.client.SandboxException;
import dev.jbox.client.StreamKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Adoption of what a dead sandbox left, with real processes. {@link LocalSandbox#abandon()} lets go exactly as a dying
 * JVM does (the supervisor sees its pipe close; the locks go), so one JVM plays both the dead and the new owner. The
 * kernel stage 36-crash does the same with SIGKILL of a real kernel JVM.
 */
class AdoptionTest {

    @TempDir
    Path root;

    @TempDir
    Path work;

    private final List<LocalSandbox> open = new ArrayList<>();

    @AfterEach
    void closeAll() {
        for (LocalSandbox s : open) s.close();
    }

    private LocalSandbox sandbox(String session) {
        return sandbox(session, CrashPolicy.KEEP);
    }

    private LocalSandbox sandbox(String session, CrashPolicy policy) {
        LocalSandbox s = new LocalSandbox(LocalOptions.defaults().stateDir(root).workDir(work).session(session)
                .onCrash(policy).killGrace(Duration.ofMillis(300)));
        open.add(s);
        return s;
    }

    @Test
    void aSandboxOfTheSameSessionAdoptsWhatTheDeadOneLeftWithAllItsOutput() throws Exception {
        LocalSandbox dead = sandbox("s1");
        CommandHandle counter = dead.commands().start("for i in $(seq 1 60); do echo line $i; sleep 0.05; done; exit 4",
                RunOptions.background().name("counter"));
        CommandHandle quick = dead.commands().start("sleep 0.3; echo quick; exit 7");
        CommandHandle reader = dead.commands().start("cat", RunOptions.background().stdin(true));
        CommandHandle ended = dead.commands().start("echo before");
        ended.waitFor(Duration.ofSeconds(10));
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("sandboxes"))),
                "records and logs are private");
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dead.stateDir())));
        awaitBytes(counter, 7);
        dead.abandon();
        assertTrue(alive(counter.pid()) && alive(reader.pid()), "abandoning (as a crash) kills nothing");
        Thread.sleep(600); // quick ends while nobody watches; the counter goes on printing

        assertTrue(LocalSandbox.leftBehind(LocalOptions.defaults().stateDir(root).session("s1")));
        LocalSandbox next = sandbox("s1");
        Map<String, ProcessInfo> ps = next.commands().list().stream().collect(Collectors.toMap(ProcessInfo::id, p -> p));
        assertEquals(List.of("counter", "p1", "p2"), ps.keySet().stream().sorted().toList(), "running and unseen ones; not the one seen to end");
        assertEquals(counter.pid(), ps.get("counter").pid());
        assertEquals(dead.sessionName(), ps.get("counter").adoptedFrom());
        assertEquals(ProcessState.FAILED, ps.get("p1").state());
        assertEquals(7, ps.get("p1").exitCode(), "ended while no sandbox watched: the supervisor recorded it");
        assertNotNull(ps.get("p1").endedAt());
        assertEquals("quick\n", next.commands().get("p1").orElseThrow().stdout());

        CommandHandle adopted = next.commands().get("counter").orElseThrow();
        CommandResult r = adopted.waitFor(Duration.ofSeconds(30));
        assertEquals(4, r.exitCode());
        StringBuilder all = new StringBuilder();
        for (int i = 1; i <= 60; i++) all.append("line ").append(i).append('\n');
        assertEquals(all.toString(), adopted.stdout(), "every line, also those printed while nobody watched");

        CommandHandle cat = next.commands().get("p2").orElseThrow();
        cat.sendStdin("after the crash\n");
        cat.closeStdin();
        assertEquals(0, cat.waitFor(Duration.ofSeconds(10)).exitCode(), "EOF reached it: its supervisor closed its end");
        assertEquals("after the crash\n", cat.stdout());

        CommandHandle mine = next.commands().start("echo new");
        assertEquals("p4", mine.id(), "new ids go on after the dead sandbox's (p3 ended before it died)");
        assertEquals(0, mine.waitFor(Duration.ofSeconds(10)).exitCode());
        assertFalse(LocalSandbox.leftBehind(LocalOptions.defaults().stateDir(root).session("s1")), "nothing left to adopt");
    }

    @Test
    void aLiveSandboxAndOtherSessionsKeepTheirs() throws Exception {
        LocalSandbox alive = sandbox("s2");
        CommandHandle h = alive.commands().start("sleep 30");
        LocalSandbox other = sandbox("s3");
        LocalSandbox same = sandbox("s2");
        assertTrue(other.commands().list().isEmpty(), "another session adopts nothing");
        assertTrue(same.commands().list().isEmpty(), "a live sandbox's commands are not orphans");
        assertTrue(LocalSandbox.orphans(root).isEmpty());
        alive.abandon();
        LocalSandbox third = sandbox("s3");
        assertTrue(third.commands().list().isEmpty(), "s2's processes are not s3's");
        assertEquals(List.of("p1"), LocalSandbox.orphans(root).stream().map(ProcessInfo::id).toList());
        assertTrue(alive(h.pid()));
    }

    @Test
    void orphansAreListedAndAdoptedOneByOneOrAll() throws Exception {
        LocalSandbox dead = sandbox(null); // anonymous: its state stays after a crash, for orphans() to find
        CommandHandle a = dead.commands().start("sleep 30", RunOptions.background().name("a"));
        CommandHandle b = dead.commands().start("sleep 30", RunOptions.background().name("b"));
        dead.abandon();
        List<ProcessInfo> orphans = LocalSandbox.orphans(root);
        assertEquals(List.of("a", "b"), orphans.stream().map(ProcessInfo::id).toList());
        assertEquals(dead.sessionName(), orphans.get(0).adoptedFrom());
        assertEquals(ProcessState.RUNNING, orphans.get(0).state());

        LocalSandbox taker = sandbox("taker");
        taker.commands().start("true", RunOptions.background().name("a")).waitFor(); // the id is taken here
        CommandHandle adoptedA = taker.adopt(dead.sessionName(), "a");
        assertEquals("a-2", adoptedA.id(), "an adopted process gets a free id");
        assertEquals(a.pid(), adoptedA.pid());
        assertEquals(List.of("b"), LocalSandbox.orphans(root).stream().map(ProcessInfo::id).toList());
        assertThrows(SandboxException.class, () -> taker.adopt(dead.sessionName(), "a"), "not an orphan any more");
        assertEquals(1, taker.adoptAll().size());
        assertTrue(LocalSandbox.orphans(root).isEmpty());
        assertTrue(adoptedA.kill());
        taker.close();
        open.remove(taker);
        assertFalse(alive(b.pid()), "a clean close kills what was adopted, too");
    }

    @Test
    void abandonAllLeavesEverySandboxToItsPolicyAndLaterClosesKillNothing() throws Exception {
        LocalSandbox one = sandbox("s8");
        LocalSandbox two = sandbox("s9");
        CommandHandle a = one.commands().start("sleep 30");
        CommandHandle b = two.commands().start("sleep 30");
        LocalSandbox.abandonAll();
        one.close(); // what a normal shutdown does next: nothing, the sandbox was let go
        two.close();
        assertTrue(alive(a.pid()) && alive(b.pid()));
        assertEquals(a.pid(), sandbox("s8").commands().list().get(0).pid());
        assertEquals(b.pid(), sandbox("s9").commands().list().get(0).pid());
    }

    @Test
    void crashPolicyKillEndsTheTreesWithinTwoSeconds() throws Exception {
        LocalSandbox dying = sandbox("s4", CrashPolicy.KILL);
        CommandHandle h = dying.commands().start("trap '' TERM; sleep 30 & echo $!; wait");
        awaitBytes(h, 2);
        long child = Long.parseLong(h.stdout().strip());
        long t0 = System.nanoTime();
        dying.abandon();
        while ((alive(h.pid()) || alive(child)) && System.nanoTime() - t0 < 5_000_000_000L) Thread.sleep(10);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertFalse(alive(h.pid()) || alive(child), "still alive after " + ms + " ms");
        assertTrue(ms < 2000, ms + " ms");
        LocalSandbox next = sandbox("s4");
        ProcessInfo p = next.commands().list().get(0);
        assertEquals(ProcessState.KILLED, p.state(), "the supervisor recorded why it ended: " + p);
    }

    @Test
    void theSupervisorEnforcesTimeoutsWhileNobodyWatches() throws Exception {
        LocalSandbox dead = sandbox("s5");
        dead.commands().start("sleep 30", RunOptions.background().timeout(Duration.ofSeconds(5)));
        dead.abandon();
        assertEquals(ProcessState.RUNNING, LocalSandbox.orphans(root).get(0).state(), "let go before its timeout, or this test proves nothing");
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (LocalSandbox.orphans(root).get(0).state() == ProcessState.RUNNING && System.nanoTime() < deadline) Thread.sleep(50);
        assertEquals(ProcessState.TIMED_OUT, LocalSandbox.orphans(root).get(0).state(), "the supervisor killed it and said why");
        LocalSandbox next = sandbox("s5");
        CommandResult r = next.commands().get("p1").orElseThrow().waitFor(Duration.ofSeconds(10));
        assertEquals(ProcessState.TIMED_OUT, r.state());
    }

    @Test
    void theExitFileSaysWhyASandboxEndedACommandShouldItDieBeforeRecordingIt() throws Exception {
        LocalSandbox dead = sandbox("s10");
        CommandHandle left = dead.commands().start("echo up; sleep 30");
        awaitBytes(left, 3); // it runs (a command adopted before its exec would look like another program)
        dead.abandon();
        LocalSandbox next = sandbox("s10");
        CommandHandle own = next.commands().start("sleep 30", RunOptions.background().timeout(Duration.ofMillis(300)));
        assertEquals(ProcessState.TIMED_OUT, own.waitFor(Duration.ofSeconds(10)).state());
        assertTrue(next.commands().get(left.id()).orElseThrow().kill());
        // SIGTERM alone would read as "exited with 143": the supervisors were told why, its own and the dead one's.
        assertEquals(List.of("timedout"), exitReasons(next.stateDir()));
        assertEquals(List.of("killed"), exitReasons(dead.stateDir()));
    }

    private static List<String> exitReasons(Path dir) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        for (;;) {
            try (var files = Files.list(dir)) {
                List<Path> exits = files.filter(f -> f.getFileName().toString().endsWith(".exit")).toList();
                if (!exits.isEmpty() || System.nanoTime() > deadline) {
                    List<String> reasons = new ArrayList<>();
                    for (Path f : exits) {
                        String[] parts = Files.readString(f).strip().split(" ");
                        reasons.add(parts[parts.length - 1]);
                    }
                    return reasons;
                }
            }
            Thread.sleep(20);
        }
    }

    @Test
    void retentionRemovesEndedLogsByAgeAndTotalSizeButNeverRunningOnes() throws Exception {
        LocalSandbox dead = sandbox("s6");
        CommandHandle old = dead.commands().start("head -c 3000 /dev/zero");
        CommandHandle big1 = dead.commands().start("head -c 400000 /dev/zero");
        CommandHandle big2 = dead.commands().start("head -c 400000 /dev/zero");
        CommandHandle running = dead.commands().start("sleep 30");
        for (CommandHandle h : List.of(old, big1, big2)) h.waitFor(Duration.ofSeconds(10));
        Path dir = dead.stateDir();
        dead.abandon();
        // "old" ended ten days ago
        Path oldRecord = dir.resolve("1-p1.json");
        String json = Files.readString(oldRecord).replaceAll("\"endedAt\":\"[^\"]+\"", "\"endedAt\":\"" + Instant.now().minus(Duration.ofDays(10)) + "\"");
        Files.writeString(oldRecord, json);

        Retention.apply(root, Duration.ofDays(7), 500_000, sandbox("keeper"));
        List<String> left;
        try (var files = Files.list(dir)) {
            left = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList();
        }
        assertEquals(List.of("3-p3.json", "4-p4.json"), left, "too old (p1), then the oldest beyond 500 KB (p2); never the running p4");
        assertTrue(alive(running.pid()));
        assertFalse(Files.exists(dir.resolve("2-p2.out")));

        // a dead sandbox whose every record is gone is removed with its directory
        LocalSandbox empty = sandbox("s7");
        Path emptyDir = empty.stateDir();
        empty.abandon();
        Files.setLastModifiedTime(emptyDir.resolve("lock"), FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        Retention.apply(root, Duration.ofDays(7), 500_000, sandbox("keeper2"));
        assertFalse(Files.exists(emptyDir));
        LocalSandbox next = sandbox("s6");
        assertEquals(List.of("p4"), next.commands().list().stream().map(ProcessInfo::id).toList());
        assertNull(next.commands().list().get(0).exitCode());
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && !zombie(pid);
    }

    private static boolean zombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (Exception e) {
            return false;
        }
    }

    private static void awaitBytes(CommandHandle h, long n) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (h.readOutput(StreamKind.STDOUT, 0, 0).end() < n) {
            if (System.nanoTime() > deadline) throw new AssertionError("no " + n + " bytes from " + h.id());
            Thread.sleep(5);
        }
    }
}
