package dev.jbox.client.remote.envd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

import java.util.List;
import java.util.Map;

/**
 * Proto3-JSON shapes of envd's {@code process.Process} service (spec/envd/process/process.proto in e2b-dev/E2B),
 * plus jbox's extensions. Extension fields are named {@code jbox}; they are only sent to a peer that announced
 * them (see {@link Protocol#FEATURES_HEADER}), because stock clients reject unknown JSON fields.
 */
public final class Messages {

    private Messages() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ProcessConfig(String cmd, List<String> args, Map<String, String> envs, String cwd) {
    }

    /** Either a pid or a tag. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ProcessSelector(Long pid, String tag) {
        public static ProcessSelector ofPid(long pid) {
            return new ProcessSelector(pid, null);
        }

        public String describe() {
            return pid != null ? "pid " + pid : "tag '" + tag + "'";
        }
    }

    // ---- requests

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StartRequest(ProcessConfig process, JsonNode pty, String tag, Boolean stdin, StartExt jbox) {
    }

    /** Extension of Start: a name for the process and a timeout that kills it (ms). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    /** {@code quiet}: send no data events, only start, keepalive and end (with byte totals): for watchers. */
    public record StartExt(String name, Long timeoutMs, Boolean quiet) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ConnectRequest(ProcessSelector process, ResumeExt jbox) {
    }

    /** Extension of Connect: replay each stream from these byte offsets, and annotate data events with offsets. */
    /** {@code raw}: send data events as {@link Envelope#RAW_DATA} envelopes. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ResumeExt(long stdoutOffset, long stderrOffset, Boolean quiet, Boolean raw) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ListRequest(ListExt jbox) {
    }

    /** Extension of List: include ended processes and jbox details. */
    public record ListExt(boolean ended) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SendInputRequest(ProcessSelector process, ProcessInput input) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ProcessInput(byte[] stdin, byte[] pty) {
    }

    /** {@code signal} is an enum: a name like {@code SIGNAL_SIGKILL} or its number. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SendSignalRequest(ProcessSelector process, JsonNode signal) {
    }

    public record CloseStdinRequest(ProcessSelector process) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record UpdateRequest(ProcessSelector process, JsonNode pty) {
    }

    /** Extension RPC {@code jbox.Logs/Read}: up to maxBytes of a stream's log from offset. */
    public record ReadLogRequest(ProcessSelector process, String stream, long offset, int maxBytes) {
    }

    public record ReadLogResponse(long offset, byte[] data, long skipped, long end) {
    }

    // ---- responses

    public record Empty() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ProcessInfo(ProcessConfig config, long pid, String tag, ProcessExt jbox) {
    }

    /** Extension of ProcessInfo: jbox's own view of the process. Times are ISO-8601. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ProcessExt(String id, String name, String command, String state, Integer exitCode,
                             String startedAt, String endedAt, long stdoutBytes, long stderrBytes) {
    }

    public record ListResponse(List<ProcessInfo> processes) {
    }

    /** StartResponse and ConnectResponse: one event, plus (extension) where data starts or a gap. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StreamResponse(ProcessEvent event, EventExt jbox) {
    }

    /**
     * {@code id}: the agent's id of the process (on the start event); {@code offset}: where a data event starts;
     * {@code stdoutBytes}/{@code stderrBytes}: totals written by the process (on the end event).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EventExt(String id, Long offset, GapExt gap, Long stdoutBytes, Long stderrBytes) {
        public static EventExt id(String id) {
            return new EventExt(id, null, null, null, null);
        }

        public static EventExt offset(long offset) {
            return new EventExt(null, offset, null, null, null);
        }

        public static EventExt gap(GapExt gap) {
            return new EventExt(null, null, gap, null, null);
        }

        public static EventExt totals(long stdout, long stderr) {
            return new EventExt(null, null, null, stdout, stderr);
        }
    }

    /** {@code missing} bytes of {@code stream} ("stdout"/"stderr") from {@code offset} were dropped by the log cap. */
    public record GapExt(String stream, long offset, long missing) {
    }

    /** Exactly one of the fields is set. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ProcessEvent(StartEvent start, DataEvent data, EndEvent end, Empty keepalive) {
        public static ProcessEvent ofStart(long pid) {
            return new ProcessEvent(new StartEvent(pid), null, null, null);
        }

        public static ProcessEvent ofData(DataEvent d) {
            return new ProcessEvent(null, d, null, null);
        }

        public static ProcessEvent ofEnd(EndEvent e) {
            return new ProcessEvent(null, null, e, null);
        }

        public static ProcessEvent keepAlive() {
            return new ProcessEvent(null, null, null, new Empty());
        }
    }

    public record StartEvent(long pid) {
    }

    /** Output bytes (base64 on the wire, through {@link Base64Bytes}). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DataEvent(
            @JsonSerialize(using = Base64Bytes.Writer.class) @JsonDeserialize(using = Base64Bytes.Reader.class) byte[] stdout,
            @JsonSerialize(using = Base64Bytes.Writer.class) @JsonDeserialize(using = Base64Bytes.Reader.class) byte[] stderr,
            @JsonSerialize(using = Base64Bytes.Writer.class) @JsonDeserialize(using = Base64Bytes.Reader.class) byte[] pty) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EndEvent(Integer exitCode, Boolean exited, String status, String error) {
    }

    /** Payload of the final envelope: {@code {}} or {@code {"error": {...}}}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EndOfStream(ConnectException.ErrorBody error) {
    }
}
