package dev.jbox.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.jbox.client.CommandHandle;
import dev.jbox.client.CommandResult;
import dev.jbox.client.LogRead;
import dev.jbox.client.ProcessInfo;
import dev.jbox.client.ProcessState;
import dev.jbox.client.RunOptions;
import dev.jbox.client.Sandbox;
import dev.jbox.client.SandboxException;
import dev.jbox.client.StreamKind;
import dev.jbox.client.remote.hopx.HopxWire;
import dev.jbox.client.remote.hopx.HopxWire.BackgroundStarted;
import dev.jbox.client.remote.hopx.HopxWire.CommandRequest;
import dev.jbox.client.remote.hopx.HopxWire.ErrorBody;
import dev.jbox.client.remote.hopx.HopxWire.KillRequest;
import dev.jbox.client.remote.hopx.HopxWire.KillResult;
import dev.jbox.client.remote.hopx.HopxWire.ProcessEntry;
import dev.jbox.client.remote.hopx.HopxWire.ProcessList;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The process endpoints of HopX's VM agent, as the official JavaScript SDK calls them, over the agent's sandbox:
 * {@code POST /commands/run} (foreground), {@code POST /commands/background}, {@code GET /execute/processes},
 * {@code POST /execute/kill/{id}} and {@code DELETE /execute/kill}. The agent's token is accepted as
 * {@code Authorization: Bearer} (or envd's {@code X-Access-Token}); errors are {@code {error, message, code}}.
 *
 * <p>Process ids are the sandbox's ({@code p1}, {@code p2}, ...); a HopX {@code name} is kept in the process's tag.
 * Background commands run without stdin, as on HopX. HopX clients send {@code /workspace} as the working directory
 * by default: on a machine without one, such commands run in the agent's root instead.
 */
final class HopxRoutes {

    /** Longest output a foreground answer carries per stream; beyond it the answer says how much was left out. */
    static final int RUN_OUTPUT_CAP = 32 << 20;
    /** Output per stream in a process list entry: the last 64 KiB (the totals come with it). */
    static final int LIST_OUTPUT_TAIL = 64 << 10;
    /** HopX's documented defaults when a request gives no timeout, in seconds. */
    static final int RUN_DEFAULT_TIMEOUT = 30;
    static final int BACKGROUND_DEFAULT_TIMEOUT = 300;
    static final String HOPX_WORKSPACE = "/workspace";
    private static final String NAME_TAG = "hopx-name:";
    /** Tag of foreground commands: HopX lists background ones only, and the record is dropped after the answer. */
    private static final String FOREGROUND_TAG = "hopx-run";

    private final Sandbox sandbox;
    private final AccessToken token;
    private final int maxRequestBytes;
    private final ObjectMapper mapper = HopxWire.mapper();
    private final Instant started = Instant.now();
    /** The agent's build version from its jar manifest ("dev" when run from classes). */
    private static final String AGENT_VERSION = Objects.requireNonNullElse(
            HopxRoutes.class.getPackage().getImplementationVersion(), "dev");

    HopxRoutes(Sandbox sandbox, AccessToken token, int maxRequestBytes) {
        this.sandbox = sandbox;
        this.token = token;
        this.maxRequestBytes = maxRequestBytes;
    }

    /** Whether {@code path} is one of the HopX endpoints (the server routes it here instead of to envd's RPCs). */
    static boolean serves(String path) {
        return path.equals(HopxWire.RUN) || path.equals(HopxWire.BACKGROUND) || path.equals(HopxWire.PROCESSES)
                || path.equals(HopxWire.KILL) || path.startsWith(HopxWire.KILL + "/");
    }

    /**
     * Whether a {@code /health} request comes from a HopX client (it carries {@code Authorization: Bearer}): HopX's
     * SDK reads a JSON status there, where envd's clients get an empty 204 with their {@code X-Access-Token}.
     */
    static boolean servesHealth(HttpExchange ex) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        return ex.getRequestURI().getPath().equals(HopxWire.HEALTH) && auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7);
    }

    /** Answers one request; never throws for a bad request (it gets an error answer). */
    void handle(HttpExchange ex) throws IOException {
        try {
            if (!authorized(ex)) {
                throw new Failure(401, HopxWire.TOKEN_INVALID, "missing or wrong token: send Authorization: Bearer <token>");
            }
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            if (path.equals(HopxWire.HEALTH)) {
                require(method, "GET", path, ex);
                long up = Duration.between(started, Instant.now()).toSeconds();
                send(ex, 200, new HopxWire.Health("healthy", "jbox agent", AGENT_VERSION, up));
            } else if (path.equals(HopxWire.RUN)) {
                require(method, "POST", path, ex);
                HopxWire.CommandResult r = run(read(ex, CommandRequest.class));
                send(ex, HopxWire.EXECUTION_TIMEOUT.equals(r.code()) ? 408 : 200, r);
            } else if (path.equals(HopxWire.BACKGROUND)) {
                require(method, "POST", path, ex);
                send(ex, 200, background(read(ex, CommandRequest.class)));
            } else if (path.equals(HopxWire.PROCESSES)) {
                require(method, "GET", path, ex);
                send(ex, 200, list());
            } else if (path.equals(HopxWire.KILL)) {
                if (!method.equals("DELETE") && !method.equals("POST")) require(method, "DELETE", path, ex);
                KillRequest k = read(ex, KillRequest.class);
                if (k.processId() == null || k.processId().isBlank()) throw badRequest("missing process_id");
                send(ex, 200, kill(k.processId()));
            } else {
                require(method, "POST", path, ex);
                send(ex, 200, kill(path.substring(HopxWire.KILL.length() + 1)));
            }
        } catch (Failure f) {
            send(ex, f.status, ErrorBody.of(f.code, f.getMessage()));
        } catch (SandboxException | IllegalArgumentException e) {
            send(ex, 400, ErrorBody.of(HopxWire.INVALID_REQUEST, ProcessService.oneLine(e)));
        } catch (RuntimeException e) {
            send(ex, 500, ErrorBody.of(HopxWire.INTERNAL_ERROR, ProcessService.oneLine(e)));
        }
    }

    private boolean authorized(HttpExchange ex) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) return token.matches(auth.substring(7));
        return token.matches(ex.getRequestHeaders().getFirst(dev.jbox.client.remote.envd.Protocol.ACCESS_TOKEN_HEADER));
    }

    // ---- endpoints

    private HopxWire.CommandResult run(CommandRequest req) {
        int timeout = seconds(req.timeout(), RUN_DEFAULT_TIMEOUT);
        CommandHandle h = start(req, timeout, false);
        CommandResult r;
        String out;
        String err;
        try {
            r = h.waitFor();
            out = capped(h, StreamKind.STDOUT, r.stdoutBytes());
            err = capped(h, StreamKind.STDERR, r.stderrBytes());
        } catch (InterruptedException e) {
            h.kill();
            Thread.currentThread().interrupt();
            throw new Failure(500, HopxWire.INTERNAL_ERROR, "the agent is shutting down; the command was killed");
        } finally {
            // A client that polls with foreground commands must not make the agent's memory and state grow.
            if (h.state().isFinal()) sandbox.commands().forget(h.id());
        }
        double seconds = r.duration() == null ? 0 : r.duration().toNanos() / 1e9;
        String label = commandLine(req);
        if (r.state() == ProcessState.TIMED_OUT) {
            // 408 with the output so far, as HopX answers a foreground command that ran out of time
            String msg = "command timed out after " + timeout + " s and was killed";
            return new HopxWire.CommandResult(false, out, err, r.exitCode(), seconds, label, h.pid(), Instant.now().toString(),
                    msg, msg, HopxWire.EXECUTION_TIMEOUT);
        }
        int code = r.exitCode() == null ? -1 : r.exitCode();
        return new HopxWire.CommandResult(code == 0, out, err, code, seconds, label, h.pid(), Instant.now().toString(),
                r.error(), null, null);
    }

    private BackgroundStarted background(CommandRequest req) {
        CommandHandle h = start(req, seconds(req.timeout(), BACKGROUND_DEFAULT_TIMEOUT), true);
        return new BackgroundStarted(h.id(), h.id(), status(h.state()), h.pid() > 0 ? h.pid() : null, req.name());
    }

    private ProcessList list() {
        List<ProcessEntry> out = new ArrayList<>();
        for (ProcessInfo p : sandbox.commands().list()) {
            if (!FOREGROUND_TAG.equals(p.tag())) out.add(entry(p));
        }
        return new ProcessList(out, out.size());
    }

    private KillResult kill(String id) {
        CommandHandle h = sandbox.commands().get(id).orElseThrow(() -> unknown(id));
        if (h.state().isFinal()) {
            throw new Failure(404, HopxWire.PROCESS_NOT_FOUND, "process " + id + " has already ended (" + status(h.state())
                    + (h.exitCode() == null ? "" : ", exit code " + h.exitCode()) + ")");
        }
        h.kill(); // TERM to the tree, KILL after the grace period; returns once it ended
        return new KillResult(id, status(h.state()), "process " + id + " terminated");
    }

    // ---- helpers

    private CommandHandle start(CommandRequest req, int timeoutSeconds, boolean background) {
        if (req.command() == null || req.command().isBlank()) throw badRequest("missing command");
        List<String> argv = new ArrayList<>();
        if (req.args() != null) {
            argv.add(req.command());
            argv.addAll(req.args());
        } else { // the documented form: a shell command line
            argv.addAll(List.of("/bin/sh", "-c", req.command()));
        }
        RunOptions opts = RunOptions.background().argv(argv).timeout(Duration.ofSeconds(timeoutSeconds));
        if (req.env() != null) opts = opts.envs(req.env());
        String dir = directory(req.directory());
        if (dir != null) opts = opts.cwd(dir);
        if (!background) opts = opts.tag(FOREGROUND_TAG);
        else if (req.name() != null && !req.name().isBlank()) opts = opts.tag(NAME_TAG + req.name());
        try {
            return sandbox.commands().start(commandLine(req), opts);
        } catch (SandboxException e) {
            throw badRequest("cannot start '" + commandLine(req) + "': " + ProcessService.oneLine(e));
        }
    }

    /** HopX's default {@code /workspace}, when this machine has none, means the agent's root. */
    private static String directory(String dir) {
        if (dir == null) return null;
        if (dir.equals(HOPX_WORKSPACE) && !Files.isDirectory(Path.of(HOPX_WORKSPACE))) return null;
        return dir;
    }

    private static int seconds(Integer timeout, int fallback) {
        if (timeout == null) return fallback;
        if (timeout <= 0) throw badRequest("timeout must be a positive number of seconds, got " + timeout);
        return timeout;
    }

    /** The user's command line: the script of {@code bash -c SCRIPT}, else the words. */
    private static String commandLine(CommandRequest req) {
        List<String> a = req.args();
        if (a == null || a.isEmpty()) return req.command();
        if (a.size() >= 2 && a.get(a.size() - 2).equals("-c")) return a.get(a.size() - 1);
        return req.command() + " " + String.join(" ", a);
    }

    private static String capped(CommandHandle h, StreamKind k, long total) {
        LogRead r = h.readOutput(k, 0, (int) Math.min(total, RUN_OUTPUT_CAP));
        String text = r.text();
        if (total > RUN_OUTPUT_CAP) {
            text += "\n[jbox agent: " + (total - RUN_OUTPUT_CAP) + " more bytes of " + k.name().toLowerCase(Locale.ROOT)
                    + " left out of this answer]\n";
        }
        return text;
    }

    private ProcessEntry entry(ProcessInfo p) {
        Instant end = p.endedAt() != null ? p.endedAt() : Instant.now();
        Double seconds = p.startedAt() == null ? null : Duration.between(p.startedAt(), end).toNanos() / 1e9;
        String ended = p.endedAt() == null ? null : p.endedAt().toString();
        String name = p.tag() != null && p.tag().startsWith(NAME_TAG) ? p.tag().substring(NAME_TAG.length()) : p.name();
        Optional<CommandHandle> h = sandbox.commands().get(p.id());
        String out = h.map(x -> tail(x, StreamKind.STDOUT, p.stdoutBytes())).orElse("");
        String err = h.map(x -> tail(x, StreamKind.STDERR, p.stderrBytes())).orElse("");
        return new ProcessEntry(p.id(), p.id(), name, status(p.state()), "bash", p.startedAt() == null ? null : p.startedAt().toString(),
                ended, ended, p.exitCode(), p.pid() > 0 ? p.pid() : null, seconds, seconds, out, err, p.command(),
                p.stdoutBytes(), p.stderrBytes());
    }

    private static String tail(CommandHandle h, StreamKind k, long total) {
        long from = Math.max(0, total - LIST_OUTPUT_TAIL);
        return new String(h.readOutput(k, from, LIST_OUTPUT_TAIL).bytes(), StandardCharsets.UTF_8);
    }

    static String status(ProcessState s) {
        return switch (s) {
            case QUEUED -> HopxWire.QUEUED;
            case RUNNING -> HopxWire.RUNNING;
            case COMPLETED -> HopxWire.COMPLETED;
            case FAILED -> HopxWire.FAILED;
            case KILLED -> HopxWire.KILLED;
            case TIMED_OUT -> HopxWire.TIMEOUT;
        };
    }

    private <T> T read(HttpExchange ex, Class<T> type) throws IOException {
        byte[] body = ex.getRequestBody().readNBytes(maxRequestBytes + 1);
        if (body.length > maxRequestBytes) throw new Failure(413, HopxWire.INVALID_REQUEST, "request body exceeds " + maxRequestBytes + " bytes");
        if (body.length == 0) body = "{}".getBytes(StandardCharsets.UTF_8);
        try {
            return mapper.readValue(body, type);
        } catch (JsonProcessingException e) {
            throw badRequest("malformed JSON: " + ProcessService.oneLine(new RuntimeException(e.getOriginalMessage())));
        }
    }

    private static void require(String method, String expected, String path, HttpExchange ex) {
        if (!method.equals(expected)) {
            ex.getResponseHeaders().set("Allow", expected);
            throw new Failure(405, HopxWire.METHOD_NOT_ALLOWED, method + " " + path + ": use " + expected);
        }
    }

    private void send(HttpExchange ex, int status, Object body) throws IOException {
        byte[] json = mapper.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, json.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(json);
        }
    }

    private static Failure badRequest(String message) {
        return new Failure(400, HopxWire.INVALID_REQUEST, message);
    }

    /** Worded without "not found": the SDK turns a 404 whose message says so into a FileNotFoundError. */
    private static Failure unknown(String id) {
        return new Failure(404, HopxWire.PROCESS_NOT_FOUND, "no process '" + id + "' on this agent");
    }

    /** An error answer with a status and code. */
    private static final class Failure extends RuntimeException {
        final int status;
        final String code;

        Failure(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }
    }
}
