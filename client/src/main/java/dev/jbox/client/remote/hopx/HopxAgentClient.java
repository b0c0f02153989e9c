package dev.jbox.client.remote.hopx;

import dev.jbox.client.SandboxException;
import dev.jbox.client.remote.hopx.HopxHttp.Answer;
import dev.jbox.client.remote.hopx.HopxWire.BackgroundStarted;
import dev.jbox.client.remote.hopx.HopxWire.CommandRequest;
import dev.jbox.client.remote.hopx.HopxWire.CommandResult;
import dev.jbox.client.remote.hopx.HopxWire.ProcessList;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The process endpoints of a sandbox's VM agent ({@code Authorization: Bearer <auth_token>}). A refused token is
 * refreshed once and the call repeated; every call has a deadline.
 */
final class HopxAgentClient {

    private final HopxHttp http;
    private final String url;
    private final AgentToken token;
    private final Duration deadline;

    HopxAgentClient(HopxHttp http, String url, AgentToken token, Duration deadline) {
        this.http = http;
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.token = token;
        this.deadline = deadline;
    }

    String url() {
        return url;
    }

    AgentToken token() {
        return token;
    }

    /** {@code POST /commands/background} with {@code bash -c script}. */
    BackgroundStarted background(String script, Map<String, String> env, String workdir, long timeoutSeconds, String name) {
        CommandRequest req = new CommandRequest("bash", List.of("-c", script), (int) Math.min(Integer.MAX_VALUE, timeoutSeconds),
                workdir, null, env, name);
        Answer a = call("POST", HopxWire.BACKGROUND, req, deadline);
        if (!a.ok()) throw failure("POST " + HopxWire.BACKGROUND, a);
        BackgroundStarted s = http.parse(a, BackgroundStarted.class, "the HopX agent at " + url + " (POST " + HopxWire.BACKGROUND + ")");
        if (s.processId() == null || s.processId().isBlank()) {
            throw new SandboxException("the HopX agent at " + url + " started a command but answered no process_id");
        }
        return s;
    }

    /**
     * Runs one of jbox's own scripts in the foreground ({@code bash -c script}, parameters in {@code env}) and returns
     * its stdout; {@code waits} is how long the script may wait on purpose, on top of the ordinary deadline.
     */
    String script(String what, String script, Map<String, String> env, Duration waits) {
        long seconds = waits.toSeconds() + Math.max(10, deadline.toSeconds());
        CommandRequest req = new CommandRequest("bash", List.of("-c", script), (int) seconds, null, null, env, null);
        Answer a = call("POST", HopxWire.RUN, req, deadline.plus(waits));
        CommandResult r = a.ok() || a.status() == 408 || a.status() == 500 ? parseResult(a) : null;
        if (r == null || r.exitCode() == null) throw failure(what + " (POST " + HopxWire.RUN + ")", a);
        if (r.exitCode() != 0) {
            String err = r.stderr() == null ? "" : r.stderr().strip();
            throw new SandboxException("jbox's " + what + " failed in the HopX sandbox (exit code " + r.exitCode() + ")"
                    + (err.isEmpty() ? "" : ": " + err.lines().findFirst().orElse("")));
        }
        return r.stdout() == null ? "" : r.stdout();
    }

    ProcessList processes() {
        Answer a = call("GET", HopxWire.PROCESSES, null, deadline);
        if (!a.ok()) throw failure("GET " + HopxWire.PROCESSES, a);
        ProcessList l = http.parse(a, ProcessList.class, "the HopX agent at " + url + " (GET " + HopxWire.PROCESSES + ")");
        return l.processes() == null ? new ProcessList(List.of(), 0) : l;
    }

    /** {@code POST /execute/kill/{id}}; false if the agent does not know the process (or it has ended). */
    boolean kill(String processId) {
        Answer a = call("POST", HopxWire.KILL + "/" + processId, null, deadline);
        if (a.status() == 404) return false;
        if (!a.ok()) throw failure("POST " + HopxWire.KILL + "/" + processId, a);
        return true;
    }

    private CommandResult parseResult(Answer a) {
        try {
            return http.mapper.readValue(a.body(), CommandResult.class);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private Answer call(String method, String path, Object body, Duration d) {
        String t = token.current();
        Answer a = send(method, path, body, d, t);
        if (a.status() == 401) {
            String fresh = token.replace(t);
            a = send(method, path, body, d, fresh);
            if (a.status() == 401) {
                throw new SandboxException("the HopX agent at " + url + " refused the sandbox's token, also after refreshing it (HTTP 401: "
                        + a.message(http.mapper) + ")");
            }
        }
        return a;
    }

    private Answer send(String method, String path, Object body, Duration d, String bearer) {
        return http.call("the HopX agent at " + url, method, url + path, body, d, "Authorization", "Bearer " + bearer);
    }

    private SandboxException failure(String what, Answer a) {
        return new SandboxException("the HopX agent at " + url + ": " + what + " failed: HTTP " + a.status() + ": " + a.message(http.mapper));
    }
}
