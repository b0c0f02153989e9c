package dev.jbox.client.remote.hopx;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.util.List;
import java.util.Map;

/**
 * The JSON of HopX's APIs as the official JavaScript SDK ({@code @hopx-ai/sdk} 0.5.1) sends and reads it: the
 * control API ({@code X-API-Key}) and the VM agent of a sandbox ({@code Authorization: Bearer <auth_token>}).
 * Fields are snake_case on the wire; absent values are left out. Shared by the HopX backend and by
 * {@code jbox agent}, which serves the VM agent's process endpoints.
 */
public final class HopxWire {

    private HopxWire() {
    }

    // ---- VM agent paths
    public static final String RUN = "/commands/run";
    public static final String BACKGROUND = "/commands/background";
    public static final String PROCESSES = "/execute/processes";
    /** {@code POST /execute/kill/{process_id}} (the SDK), or {@code DELETE /execute/kill} with a body (the API docs). */
    public static final String KILL = "/execute/kill";
    /** {@code GET /health} with the Bearer token: the SDK's {@code isHealthy()} wants {@code status} "ok" or "healthy". */
    public static final String HEALTH = "/health";

    // ---- HopX's own process states (GET /execute/processes)
    public static final String QUEUED = "queued";
    public static final String RUNNING = "running";
    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";
    public static final String KILLED = "killed";
    public static final String TIMEOUT = "timeout";

    // ---- error codes (the SDK's ErrorCode)
    public static final String INVALID_REQUEST = "INVALID_REQUEST";
    public static final String TOKEN_INVALID = "TOKEN_INVALID";
    public static final String PROCESS_NOT_FOUND = "PROCESS_NOT_FOUND";
    public static final String METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED";
    public static final String EXECUTION_TIMEOUT = "EXECUTION_TIMEOUT";
    public static final String INTERNAL_ERROR = "INTERNAL_ERROR";

    /** snake_case, lenient on input, without nulls on output. */
    public static ObjectMapper mapper() {
        return JsonMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }

    /**
     * {@code POST /commands/run} and {@code /commands/background}. The SDK sends {@code command: "bash", args: ["-c",
     * CMD]} and {@code workdir}; the API documentation spells the directory {@code working_dir} and shows a bare
     * shell command without {@code args}. {@code timeout} is in seconds.
     */
    public record CommandRequest(String command, List<String> args, Integer timeout, String workdir, String workingDir,
                                 Map<String, String> env, String name) {

        /** {@code workdir}, else {@code working_dir}, else null. */
        public String directory() {
            return workdir != null && !workdir.isBlank() ? workdir : workingDir != null && !workingDir.isBlank() ? workingDir : null;
        }
    }

    /**
     * Answer of {@code POST /commands/run} (200; 408 when the command timed out, with {@code error} and {@code code}).
     * {@code execution_time} is in seconds.
     */
    public record CommandResult(Boolean success, String stdout, String stderr, Integer exitCode, Double executionTime,
                                String command, Long pid, String timestamp, String error, String message, String code) {
    }

    /** Answer of {@code POST /commands/background}. */
    public record BackgroundStarted(String processId, String executionId, String status, Long pid, String name) {

        /** The same id in camelCase, as the HopX documentation's JavaScript examples read it ({@code result.processId}). */
        @JsonAnyGetter
        public Map<String, Object> camelCaseId() {
            return processId == null ? Map.of() : Map.of("processId", processId);
        }
    }

    /**
     * One entry of {@code GET /execute/processes}. {@code stdout}/{@code stderr} hold what the agent keeps of the
     * output (HopX documents no limit; jbox agent sends the last 64 KiB); {@code stdout_bytes}/{@code stderr_bytes}
     * (jbox agent only) are the totals, so that a shortened one can be told apart.
     */
    public record ProcessEntry(String processId, String executionId, String name, String status, String language,
                               String startedAt, String completedAt, String endTime, Integer exitCode, Long pid,
                               Double executionTime, Double duration, String stdout, String stderr, String command,
                               Long stdoutBytes, Long stderrBytes) {

        @JsonAnyGetter
        public Map<String, Object> camelCaseId() {
            return processId == null ? Map.of() : Map.of("processId", processId);
        }
    }

    public record ProcessList(List<ProcessEntry> processes, Integer count) {
    }

    /** Body of {@code DELETE /execute/kill}. */
    /** {@code GET /health}: what the SDK's {@code getHealth()} reads ({@code status}, {@code version}, {@code uptime_seconds}). */
    public record Health(String status, String agent, String version, long uptimeSeconds) {
    }

    public record KillRequest(String processId) {
    }

    /** Answer of a kill. */
    public record KillResult(String processId, String status, String message) {
    }

    /** An error answer: {@code error} and {@code message} carry the same line (the SDK reads {@code message}). */
    public record ErrorBody(String error, String message, String code) {

        public static ErrorBody of(String code, String message) {
            return new ErrorBody(message, message, code);
        }
    }

    // ---- control API

    /** {@code POST /v1/sandboxes}: a template by name (or id), the sandbox's lifetime in seconds. */
    public record CreateSandbox(String templateName, String templateId, Long timeoutSeconds) {
    }

    /**
     * Answer of {@code POST /v1/sandboxes} and {@code GET /v1/sandboxes/{id}} (the SDK reads {@code sandbox_id} or
     * {@code id}); {@code public_host} is the URL of the sandbox's VM agent.
     */
    public record SandboxInfo(String sandboxId, String id, String status, String publicHost, String authToken,
                              String tokenExpiresAt, String templateName, String expiresAt) {

        public String anyId() {
            return sandboxId != null ? sandboxId : id;
        }
    }

    /** Answer of {@code POST /v1/sandboxes/{id}/token/refresh}. */
    public record TokenRefreshed(String authToken, String tokenExpiresAt) {
    }
}
