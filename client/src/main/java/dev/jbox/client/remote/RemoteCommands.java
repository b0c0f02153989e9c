package dev.jbox.client.remote;

import dev.jbox.client.CommandHandle;
import dev.jbox.client.Commands;
import dev.jbox.client.ProcessInfo;
import dev.jbox.client.ProcessState;
import dev.jbox.client.RunOptions;
import dev.jbox.client.SandboxException;
import dev.jbox.client.UnknownProcessException;
import dev.jbox.client.remote.envd.ConnectException;
import dev.jbox.client.remote.envd.Messages;
import dev.jbox.client.remote.envd.Messages.StreamResponse;
import dev.jbox.client.remote.envd.Protocol;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** {@link Commands} over envd's process API. */
final class RemoteCommands implements Commands {

    private final RemoteSandbox sandbox;
    private final Map<String, RemoteCommandHandle> handles = new ConcurrentHashMap<>();
    private final java.util.Set<RemoteCommandHandle> startedHere = ConcurrentHashMap.newKeySet();

    RemoteCommands(RemoteSandbox sandbox) {
        this.sandbox = sandbox;
    }

    @Override
    public CommandHandle start(String command, RunOptions options) {
        List<String> argv = options.argv() != null ? options.argv() : List.of("/bin/bash", "-c", command);
        Messages.ProcessConfig cfg = new Messages.ProcessConfig(argv.get(0), argv.subList(1, argv.size()), options.env(), options.cwd());
        boolean ext = sandbox.canReplay();
        Messages.StartExt startExt = ext ? new Messages.StartExt(options.name(),
                options.timeout() == null ? null : options.timeout().toMillis(), Boolean.TRUE) : null;
        Map<String, String> headers = new HashMap<>();
        if (!ext && options.timeout() != null) headers.put(Protocol.TIMEOUT_HEADER, String.valueOf(options.timeout().toMillis()));
        Messages.StartRequest req = new Messages.StartRequest(cfg, null, options.tag(), options.stdin(), startExt);
        EventReader reader = null;
        try {
            reader = sandbox.client().stream(Protocol.SERVICE + "Start", req, headers);
            StreamResponse first = reader.next();
            if (first == null || first.event() == null || first.event().start() == null) {
                throw new SandboxException("cannot start '" + command + "': the agent did not send a start event");
            }
            long pid = first.event().start().pid();
            String id = first.jbox() != null && first.jbox().id() != null ? first.jbox().id() : options.name() != null ? options.name() : "pid" + pid;
            RemoteCommandHandle h = new RemoteCommandHandle(sandbox, pid, id, command, cfg, options.tag(), Instant.now(), 0, 0);
            handles.put(id, h);
            startedHere.add(h);
            h.watch(reader);
            return h;
        } catch (ConnectException e) {
            if (reader != null) reader.close();
            throw new SandboxException("cannot start '" + command + "' on " + sandbox.describe() + ": " + e.getMessage());
        } catch (IOException e) {
            if (reader != null) reader.close();
            throw new SandboxException("cannot start '" + command + "': the agent at " + sandbox.client().baseUrl() + " is unreachable: "
                    + EnvdClient.describe(e), e);
        }
    }

    @Override
    public List<ProcessInfo> list() {
        boolean ext = sandbox.canListEnded();
        Messages.ListResponse res;
        try {
            res = sandbox.client().unary(Protocol.SERVICE + "List", new Messages.ListRequest(ext ? new Messages.ListExt(true) : null),
                    Messages.ListResponse.class);
        } catch (ConnectException e) {
            throw new SandboxException("cannot list processes on " + sandbox.describe() + ": " + e.getMessage());
        }
        List<ProcessInfo> out = new ArrayList<>();
        if (res.processes() == null) return out;
        for (Messages.ProcessInfo p : res.processes()) {
            Messages.ProcessConfig c = p.config();
            String cmd = c == null ? "" : commandLine(c);
            Messages.ProcessExt x = p.jbox();
            if (x != null) {
                out.add(new ProcessInfo(x.id(), x.name(), p.pid(), x.command() != null ? x.command() : cmd, c == null ? null : c.cwd(),
                        c == null || c.envs() == null ? Map.of() : c.envs(), ProcessState.valueOf(x.state()), x.exitCode(),
                        x.startedAt() == null ? null : Instant.parse(x.startedAt()), x.endedAt() == null ? null : Instant.parse(x.endedAt()),
                        x.stdoutBytes(), x.stderrBytes(), p.tag()));
            } else {
                RemoteCommandHandle known = handles.get("pid" + p.pid());
                out.add(new ProcessInfo(known != null ? known.id() : "pid" + p.pid(), null, p.pid(), cmd, c == null ? null : c.cwd(),
                        c == null || c.envs() == null ? Map.of() : c.envs(), ProcessState.RUNNING, null, null, null, 0, 0, p.tag()));
            }
        }
        return out;
    }

    private static String commandLine(Messages.ProcessConfig c) {
        List<String> a = c.args() == null ? List.of() : c.args();
        if (a.size() >= 2 && a.get(a.size() - 2).equals("-c")) return a.get(a.size() - 1);
        return String.join(" ", c.cmd() == null ? "" : c.cmd(), String.join(" ", a)).trim();
    }

    @Override
    public Optional<CommandHandle> get(String id) {
        RemoteCommandHandle h = handles.get(id);
        if (h != null) return Optional.of(h);
        for (ProcessInfo i : list()) {
            if (id.equals(i.id()) || id.equals(i.name()) || id.equals(String.valueOf(i.pid())) || id.equals("pid" + i.pid())) {
                RemoteCommandHandle attached = new RemoteCommandHandle(sandbox, i.pid(), i.id(), i.command(),
                        new Messages.ProcessConfig(null, null, i.env(), i.cwd()), i.tag(), i.startedAt(), i.stdoutBytes(), i.stderrBytes());
                RemoteCommandHandle prev = handles.putIfAbsent(i.id(), attached);
                if (prev != null) return Optional.of(prev);
                attached.watch(null);
                return Optional.of(attached);
            }
        }
        return Optional.empty();
    }

    @Override
    public boolean kill(String id) {
        return get(id).orElseThrow(() -> new UnknownProcessException(id)).kill();
    }

    /** Handles this session knows (started or attached), for {@code close()}. */
    List<RemoteCommandHandle> known() {
        return new ArrayList<>(handles.values());
    }

    /** Whether this session started the process (close() kills only those; attached ones belong to someone else). */
    boolean startedHere(RemoteCommandHandle h) {
        return startedHere.contains(h);
    }
}
