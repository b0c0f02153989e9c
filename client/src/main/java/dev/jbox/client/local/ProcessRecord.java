package dev.jbox.client.local;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.jbox.client.ProcessState;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the state directory holds about one command, as {@code SEQ-ID.json} next to its logs {@code SEQ-ID.out}
 * and {@code .err}, its stdin FIFO {@code .in} and the exit status {@code .exit} that the supervisor writes
 * when it ends. Written when the command starts, again once its pid is known and when it ends, each time to a
 * temporary name and renamed, so that another process (a kernel that adopts it, {@code jbox ps}) always reads a
 * whole record. Times are ISO-8601 strings.
 *
 * @param seq        number of the command in its state directory (1, 2, ...): names its files, orders them
 * @param command    what the user asked for (a label for an argv command)
 * @param argv       what was executed
 * @param env        the environment the command was given on top of the sandbox's (not the whole environment)
 * @param cookie     the tree's cookie (see {@link ProcessTree})
 * @param pid        the command's pid, which is also its session and process group; -1 before it started
 * @param state      a {@link ProcessState} name: RUNNING until it ends
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
record ProcessRecord(
        int seq,
        String id,
        String name,
        String command,
        List<String> argv,
        String cwd,
        Map<String, String> env,
        String tag,
        Long timeoutMs,
        boolean stdin,
        String startedAt,
        String cookie,
        long pid,
        long logCap,
        long killGraceMs,
        String state,
        Integer exitCode,
        String endedAt,
        String error) {

    /** The common prefix of this command's files. */
    String base() {
        return seq + "-" + id;
    }

    ProcessState processState() {
        try {
            return ProcessState.valueOf(state);
        } catch (RuntimeException e) {
            return ProcessState.RUNNING;
        }
    }

    Instant started() {
        return startedAt == null ? null : Instant.parse(startedAt);
    }

    Instant ended() {
        return endedAt == null ? null : Instant.parse(endedAt);
    }

    ProcessRecord withPid(long newPid) {
        return new ProcessRecord(seq, id, name, command, argv, cwd, env, tag, timeoutMs, stdin, startedAt, cookie, newPid,
                logCap, killGraceMs, state, exitCode, endedAt, error);
    }

    ProcessRecord ended(ProcessState finalState, Integer code, Instant at, String why) {
        return new ProcessRecord(seq, id, name, command, argv, cwd, env, tag, timeoutMs, stdin, startedAt, cookie, pid,
                logCap, killGraceMs, finalState.name(), code, at == null ? null : at.toString(), why);
    }
}
