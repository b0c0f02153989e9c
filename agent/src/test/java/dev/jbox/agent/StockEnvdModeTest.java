package dev.jbox.agent;

import dev.jbox.client.CommandHandle;
import dev.jbox.client.CommandResult;
import dev.jbox.client.ProcessInfo;
import dev.jbox.client.remote.RemoteOptions;
import dev.jbox.client.remote.RemoteSandbox;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The remote backend against an endpoint without jbox's extensions (the agent with them switched off behaves as
 * stock envd): it still works, keeps output client-side, and says what a dropped connection may have cost.
 */
class StockEnvdModeTest {

    @Test
    void worksWithoutExtensionsAndSaysWhatMayBeMissingAfterADrop() throws Exception {
        List<String> notices = new CopyOnWriteArrayList<>();
        try (AgentFixture agent = new AgentFixture(AgentServer.Config.loopback(0, "x").keepalive(Duration.ofSeconds(1)).extensions(false));
             TcpProxy proxy = new TcpProxy(agent.server.address());
             RemoteSandbox sb = RemoteSandbox.connect(proxy.url(), agent.token,
                     RemoteOptions.defaults().keepalive(Duration.ofSeconds(1)).notices(notices::add))) {
            assertFalse(sb.canReplay());
            assertTrue(sb.describe().startsWith("envd "));
            CommandResult r = sb.commands().run("echo one; echo two >&2; exit 2");
            assertEquals(2, r.exitCode());
            assertEquals("one\n", r.stdout());
            assertEquals("two\n", r.stderr());

            CommandHandle h = sb.commands().start("for i in $(seq 1 40); do echo line$i; sleep 0.05; done");
            List<ProcessInfo> running = sb.commands().list();
            assertTrue(running.stream().anyMatch(p -> p.pid() == h.pid()), running.toString());
            RemoteSandboxEndToEndTest.Collector c = new RemoteSandboxEndToEndTest.Collector();
            h.subscribe(c);
            for (int i = 0; i < 200 && !c.out().contains("line5\n"); i++) Thread.sleep(20);
            proxy.stop();
            Thread.sleep(400);
            proxy.start();
            CommandResult end = c.exit.get(30, TimeUnit.SECONDS);
            assertEquals(0, end.exitCode());
            assertTrue(c.out().startsWith("line1\nline2\n") && c.out().endsWith("line40\n"), c.out());
            assertTrue(notices.stream().anyMatch(n -> n.contains("may be missing") && n.contains("cannot replay")), notices.toString());
            assertTrue(sb.commands().list().stream().noneMatch(p -> p.pid() == h.pid()), "stock List shows running processes only");
        }
    }
}
