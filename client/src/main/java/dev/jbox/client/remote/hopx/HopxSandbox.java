package dev.jbox.client.remote.hopx;

import dev.jbox.client.Commands;
import dev.jbox.client.Sandbox;
import dev.jbox.client.SandboxException;
import dev.jbox.client.remote.hopx.HopxWire.SandboxInfo;
import dev.jbox.client.remote.hopx.HopxWire.TokenRefreshed;

import java.time.Duration;
import java.util.Locale;

/**
 * A HopX sandbox: created (or found by id) through HopX's control API, its commands run through the sandbox's VM
 * agent ({@code public_host}), which may also be a {@code jbox agent}. HopX keeps no incremental output of a
 * background command, so jbox runs each one wrapped so that its output goes to files in the sandbox, and reads
 * them with byte offsets (long polls through the agent's command API): nothing is lost while the sandbox lives.
 * Processes started by other HopX clients are listed too; their output is only what HopX's list carries.
 *
 * <pre>{@code
 * try (Sandbox sb = Sandbox.hopx(HopxOptions.fromEnv().template("code-interpreter"))) {
 *     CommandHandle h = sb.commands().start("for i in 1 2 3; do echo $i; sleep 1; done");
 *     h.subscribe(chunk -> System.out.print(chunk.text()));
 *     h.waitFor();
 * }
 * }</pre>
 *
 * A sandbox this created is deleted on {@link #close()}, with its processes, unless {@link HopxOptions#keep()}; one
 * connected to by id is left running.
 */
public final class HopxSandbox implements Sandbox {

    private static final Duration READY_WITHIN = Duration.ofMinutes(2);

    private final HopxOptions options;
    private final HopxHttp http;
    private final HopxControlApi api;
    private final String sandboxId;
    private final boolean created;
    private final HopxAgentClient agent;
    private final HopxCommands commands;
    private volatile boolean closed;

    private HopxSandbox(HopxOptions options, HopxHttp http, HopxControlApi api, String sandboxId, boolean created, HopxAgentClient agent) {
        this.options = options;
        this.http = http;
        this.api = api;
        this.sandboxId = sandboxId;
        this.created = created;
        this.agent = agent;
        this.commands = new HopxCommands(this);
    }

    /** Creates a sandbox, or connects to {@link HopxOptions#sandboxId()}; one clear line if anything is wrong. */
    public static HopxSandbox open(HopxOptions o) {
        if (o.apiKey() == null || o.apiKey().isBlank()) {
            throw new SandboxException("no HopX API key: set HOPX_API_KEY or pass HopxOptions.apiKey(...)");
        }
        String base = o.baseUrl() == null ? "" : o.baseUrl().strip();
        if (!(base.startsWith("http://") || base.startsWith("https://")) || base.length() <= "https://".length()) {
            throw new SandboxException("bad HopX base URL '" + o.baseUrl() + "': expected http(s)://host[:port], e.g. " + HopxOptions.DEFAULT_BASE_URL);
        }
        HopxHttp http = new HopxHttp();
        HopxControlApi api = new HopxControlApi(http, base, o.apiKey(), o.requestTimeout());
        String id = null;
        boolean create = !o.attaches();
        try {
            SandboxInfo info;
            AgentToken token;
            if (create) {
                SandboxInfo made = api.create(o.template(), Math.max(1, o.timeout().toSeconds()));
                id = made.anyId();
                info = ready(api, id, made);
                token = new AgentToken(api, id, made.authToken(), made.tokenExpiresAt());
            } else {
                id = o.sandboxId().strip();
                info = api.info(id);
                String status = info.status() == null ? "" : info.status().toLowerCase(Locale.ROOT);
                if (status.equals("stopped") || status.equals("deleted") || status.equals("error")) {
                    throw new SandboxException("HopX sandbox " + id + " is " + status + ": it cannot run commands any more; create a new one");
                }
                if (status.equals("paused")) {
                    api.resume(id);
                    info = ready(api, id, api.info(id));
                }
                TokenRefreshed t = api.refreshToken(id);
                token = new AgentToken(api, id, t.authToken(), t.tokenExpiresAt());
            }
            String host = info.publicHost();
            if (host == null || host.isBlank()) throw new SandboxException("HopX sandbox " + id + " has no public_host (its VM agent's URL)");
            if (!host.startsWith("http://") && !host.startsWith("https://")) host = "https://" + host;
            HopxAgentClient agent = new HopxAgentClient(http, host, token, o.requestTimeout());
            agent.processes(); // the agent answers and takes the token: a bad one is reported here, not at the first command
            return new HopxSandbox(o, http, api, id, create, agent);
        } catch (RuntimeException e) {
            if (create && id != null && !o.keep()) {
                try {
                    api.delete(id); // no sandbox left behind, billed and unused
                } catch (SandboxException ignored) {
                    // the first failure is the one to report
                }
            }
            http.shutdown();
            throw e;
        }
    }

    /** Waits (a new or resumed VM boots) until the sandbox runs and has its agent's URL. */
    private static SandboxInfo ready(HopxControlApi api, String id, SandboxInfo info) {
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        while (!isRunning(info) || info.publicHost() == null) {
            String status = info.status() == null ? "" : info.status().toLowerCase(Locale.ROOT);
            if (status.equals("error") || status.equals("stopped") || status.equals("deleted")) {
                throw new SandboxException("HopX sandbox " + id + " did not start: its status is " + status);
            }
            if (System.nanoTime() > deadline) {
                throw new SandboxException("HopX sandbox " + id + " was not running after " + READY_WITHIN.toSeconds() + " s (status " + info.status() + ")");
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SandboxException("interrupted while waiting for HopX sandbox " + id + " to start");
            }
            info = api.info(id);
        }
        return info;
    }

    private static boolean isRunning(SandboxInfo info) {
        return info.status() == null || info.status().equalsIgnoreCase("running");
    }

    /** The sandbox's id at HopX. */
    public String id() {
        return sandboxId;
    }

    /** Refreshes of the agent token so far (for tests and diagnostics). */
    public int tokenRefreshes() {
        return agent.token().refreshes();
    }

    HopxOptions options() {
        return options;
    }

    HopxAgentClient agent() {
        return agent;
    }

    /** Where in the sandbox this sandbox's command logs are. */
    String logDir() {
        return options.logRoot() + "/" + sandboxId;
    }

    @Override
    public Commands commands() {
        if (closed) throw new SandboxException("the sandbox " + describe() + " is closed");
        return commands;
    }

    @Override
    public String describe() {
        return "hopx sandbox " + sandboxId + " (agent " + agent.url() + ")";
    }

    /** Stops following output; deletes the sandbox if this created it and was not told to keep it. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        boolean delete = created && !options.keep();
        commands.close(delete);
        try {
            if (delete) api.delete(sandboxId);
        } catch (SandboxException e) {
            options.notices().accept("jbox: " + e.getMessage() + "; delete HopX sandbox " + sandboxId + " yourself, it may still run");
        } finally {
            http.shutdown();
        }
    }
}
