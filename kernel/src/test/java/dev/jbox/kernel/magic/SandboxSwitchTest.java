package dev.jbox.kernel.magic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbox.agent.AgentServer;
import dev.jbox.client.LocalOptions;
import dev.jbox.client.Sandbox;
import dev.jbox.kernel.eval.EvalResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code %sandbox}, {@code JBOX_SANDBOX} and re-attaching after a restart, against a real agent on 127.0.0.1. */
class SandboxSwitchTest {

    private static final String TOKEN = "test-token-0123456789abcdef";

    @TempDir
    Path dir;

    private AgentServer agent;
    private Sandbox served;
    private final List<MagicEvaluator> evaluators = new ArrayList<>();

    @BeforeEach
    void startAgent() throws IOException {
        served = Sandbox.local(LocalOptions.defaults().workDir(dir).killGrace(Duration.ofMillis(300)));
        agent = AgentServer.start(served, AgentServer.Config.loopback(0, TOKEN));
    }

    @AfterEach
    void stop() {
        for (MagicEvaluator e : evaluators) e.close();
        agent.close();
        served.close();
    }

    private MagicEvaluator kernel(Map<String, String> env) {
        MagicEvaluator ev = MagicEvaluator.fromEnvironment(new JavaRecorder(), env);
        evaluators.add(ev);
        return ev;
    }

    private static String ok(MagicEvaluator ev, String cell) {
        EvalResult r = ev.evaluate(cell, new RecordingCellOutput());
        assertFalse(r.isError(), () -> cell + " failed: " + r.error());
        return r.value() == null ? "" : (String) r.value().data().get("text/plain");
    }

    private static String error(MagicEvaluator ev, String cell) {
        EvalResult r = ev.evaluate(cell, new RecordingCellOutput());
        assertTrue(r.isError(), () -> cell + " should fail");
        String message = r.error().evalue();
        assertFalse(message.contains("\n"), "one line: " + message);
        return message;
    }

    private static void await(BooleanSupplier cond, String what) throws InterruptedException {
        for (int i = 0; i < 500 && !cond.getAsBoolean(); i++) Thread.sleep(20);
        assertTrue(cond.getAsBoolean(), "timed out waiting for " + what);
    }

    @Test
    void processesOnAnAgentOutliveARestartAndAreFoundAgainWithAllTheirOutput() throws Exception {
        Map<String, String> env = Map.of(SandboxChoice.ENV, agent.url(), SandboxChoice.ENV_TOKEN, TOKEN);
        MagicEvaluator first = kernel(env);
        assertTrue(ok(first, "%sandbox").contains("agent " + agent.url()), "JBOX_SANDBOX chose the agent");
        RecordingCellOutput bgCell = new RecordingCellOutput();
        assertFalse(first.evaluate("%bg --name train for i in $(seq 1 40); do echo step $i; sleep 0.05; done", bgCell).isError());
        await(() -> served.commands().list().stream().anyMatch(p -> p.stdoutBytes() > 0), "first output on the agent");
        first.close(); // what a kernel restart does to the old session
        RecordingCellOutput.Event last = bgCell.events().stream().filter(e -> e.kind().equals("update")).reduce((a, b) -> b).orElseThrow();
        String panel = (String) last.bundle().data().get("text/plain");
        assertTrue(panel.contains("running") && panel.contains("detached") && panel.contains("%ps finds it"),
                "the panel says the process goes on without this kernel: " + panel);

        assertTrue(served.commands().list().stream().anyMatch(p -> "train".equals(p.name()) && !p.state().isFinal()),
                "the agent keeps the process when the kernel goes");
        MagicEvaluator second = kernel(env);
        String ps = ok(second, "%ps --all");
        assertTrue(ps.contains("train"), ps);
        String waited = ok(second, "%wait train");
        assertTrue(waited.contains("completed") || waited.contains("exit code 0"), waited);
        RecordingCellOutput logs = new RecordingCellOutput();
        assertFalse(second.evaluate("%logs train", logs).isError());
        String expected = IntStream.rangeClosed(1, 40).mapToObj(i -> "step " + i + "\n").collect(Collectors.joining());
        assertEquals(expected, logs.text("stdout"), "every line, in order, none lost");
    }

    @Test
    void closingALocalSessionKillsItsProcessesAndTheirPanelsSaySo() {
        MagicEvaluator ev = kernel(Map.of());
        RecordingCellOutput bgCell = new RecordingCellOutput();
        assertFalse(ev.evaluate("%bg --name sleeper sleep 30", bgCell).isError());
        ev.close();
        RecordingCellOutput.Event last = bgCell.events().stream().filter(e -> e.kind().equals("update")).reduce((a, b) -> b).orElseThrow();
        String panel = (String) last.bundle().data().get("text/plain");
        assertTrue(panel.contains("sleeper") && panel.contains("killed"), "final state, not 'running' forever: " + panel);
    }

    @Test
    void switchingToAnAgentAndBackToLocal() throws Exception {
        MagicEvaluator ev = kernel(Map.of());
        assertTrue(ok(ev, "%sandbox").contains("local"));
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, TOKEN + "\n");
        String switched = ok(ev, "%sandbox connect " + agent.url() + " --token-file " + tokenFile);
        assertTrue(switched.contains("agent " + agent.url()), switched);
        assertFalse(switched.contains(TOKEN), "the token is never shown");
        ok(ev, "%bg --name remote-sleeper sleep 30");
        assertTrue(served.commands().get("remote-sleeper").isPresent(), "the command ran on the agent");

        String back = ok(ev, "%sandbox local");
        assertTrue(back.contains("keep running"), back);
        assertFalse(served.commands().get("remote-sleeper").orElseThrow().state().isFinal(), "the agent kept it");

        ok(ev, "%bg --name local-sleeper sleep 30");
        String refused = error(ev, "%sandbox connect " + agent.url() + " --token " + TOKEN);
        assertTrue(refused.contains("local-sleeper") && refused.contains("--force"), refused);
        String forced = ok(ev, "%sandbox connect " + agent.url() + " --token " + TOKEN + " --force");
        assertTrue(forced.contains("agent"), forced);
        assertTrue(ok(ev, "%ps").contains("remote-sleeper"), "back on the agent, its process is listed again");
        assertTrue(ok(ev, "%kill remote-sleeper").contains("killed"));
    }

    /**
     * The magics' warm-up opens the local sandbox on a thread of its own; a {@code %sandbox} switch at that moment must
     * not lose the sandbox it opened (its supervisor would run until the JVM ends, and it would stay registered).
     */
    @Test
    void aSwitchThatRacesTheOpeningOfTheLocalSandboxLeavesNoSandboxBehind() throws Exception {
        Path state = Files.createDirectories(dir.resolve("race-state"));
        LocalOptions local = LocalOptions.defaults().workDir(dir).stateDir(state).killGrace(Duration.ofMillis(300));
        long before = supervisors();
        for (int i = 0; i < 30; i++) {
            MagicSession session = new MagicSession(SandboxChoice.local(), local);
            Thread warmUp = new Thread(session::sandbox, "warm-up");
            if (i % 2 == 0) warmUp.start(); // both orders, and the switch's open in between
            String said = session.switchTo(SandboxChoice.connect(agent.url(), TOKEN), false);
            if (i % 2 == 1) warmUp.start();
            warmUp.join();
            assertTrue(said.startsWith("sandbox: "), said);
            session.close();
        }
        await(() -> supervisors() == before, "the supervisors of the sessions' local sandboxes to end ("
                + supervisors() + " left, " + before + " before)");
    }

    /** This JVM's local-sandbox supervisors (child processes running perl). */
    private static long supervisors() {
        return ProcessHandle.current().children().filter(p -> p.info().command().orElse("").contains("perl")).count();
    }

    @Test
    void badTargetsAreOneClearLineAndKeepTheCurrentSandbox() {
        MagicEvaluator ev = kernel(Map.of());
        ok(ev, "%sandbox local");
        String wrongToken = error(ev, "%sandbox connect " + agent.url() + " --token wrong");
        assertTrue(wrongToken.toLowerCase().contains("token") || wrongToken.contains("401"), wrongToken);
        assertTrue(wrongToken.contains("still on local"), wrongToken);
        String refused = error(ev, "%sandbox connect http://127.0.0.1:1 --token x");
        assertTrue(refused.contains("127.0.0.1:1"), refused);
        assertTrue(error(ev, "%sandbox connect ftp://x").contains("bad agent URL"));
        assertTrue(error(ev, "%sandbox connect").contains("needs the agent's URL"));
        assertTrue(error(ev, "%sandbox moon").contains("unknown target 'moon'"));
        assertTrue(error(ev, "%sandbox local --template base").contains("takes no"));
        assertTrue(error(ev, "%sandbox e2b --token x").contains("are for %sandbox connect"));
        assertTrue(error(ev, "%sandbox e2b --timeout soon").contains("--timeout"));
        assertTrue(error(ev, "%sandbox connect " + agent.url() + " --token-file /no/such/file").contains("cannot read"));
        assertTrue(ok(ev, "%sandbox").contains("local"), "still local");
        RecordingCellOutput cell = new RecordingCellOutput();
        assertFalse(ev.evaluate("%sh echo still works", cell).isError());
        assertEquals("still works\n", cell.text("stdout"), "the local sandbox still runs commands");
    }

    @Test
    void aBadJboxSandboxDoesNotStopTheKernelAndSaysWhatIsWrong() {
        MagicEvaluator ev = kernel(Map.of(SandboxChoice.ENV, "somewhere"));
        String e = error(ev, "%ps");
        assertTrue(e.contains("JBOX_SANDBOX='somewhere'") && e.contains("%sandbox"), e);
        ok(ev, "%sandbox local");
        assertTrue(ok(ev, "%sandbox").contains("local"));

        MagicEvaluator unreachable = kernel(Map.of(SandboxChoice.ENV, "http://127.0.0.1:1", SandboxChoice.ENV_TOKEN, "x"));
        String down = error(unreachable, "%ps");
        assertTrue(down.contains("127.0.0.1:1"), down);
    }

    @Test
    void choicesFromTheEnvironment() {
        assertEquals(SandboxChoice.Kind.LOCAL, SandboxChoice.fromEnv(Map.of()).kind());
        assertEquals(SandboxChoice.Kind.LOCAL, SandboxChoice.fromEnv(Map.of(SandboxChoice.ENV, " local ")).kind());
        SandboxChoice c = SandboxChoice.fromEnv(Map.of(SandboxChoice.ENV, "http://h:1", SandboxChoice.ENV_TOKEN, "secret-xyz"));
        assertEquals(SandboxChoice.Kind.CONNECT, c.kind());
        assertEquals("secret-xyz", c.token());
        assertFalse(c.toString().contains("secret-xyz") || c.describe().contains("secret-xyz"), "the token is never shown: " + c);
        assertFalse(c.killsOnClose(), "an agent keeps the processes when the session ends");
        assertTrue(SandboxChoice.local().killsOnClose());
        assertEquals(SandboxChoice.Kind.E2B, SandboxChoice.fromEnv(Map.of(SandboxChoice.ENV, "e2b")).kind());
        assertThrows(IllegalArgumentException.class, () -> SandboxChoice.fromEnv(Map.of(SandboxChoice.ENV, "ftp://x")));
    }
}
