package dev.jbox.client.remote.envd;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** Paths, headers and the JSON mapper shared by the agent and the remote client. */
public final class Protocol {

    private Protocol() {
    }

    public static final int ENVD_PORT = 49983;
    public static final String SERVICE = "/process.Process/";
    public static final String LOGS_READ = "/jbox.Logs/Read";
    public static final String HEALTH = "/health";

    public static final String ACCESS_TOKEN_HEADER = "X-Access-Token";
    public static final String KEEPALIVE_HEADER = "Keepalive-Ping-Interval";
    public static final String TIMEOUT_HEADER = "Connect-Timeout-Ms";
    public static final String PROTOCOL_VERSION_HEADER = "Connect-Protocol-Version";

    /** Sent by jbox agents on every answer; lists the extensions this agent understands. */
    public static final String FEATURES_HEADER = "X-Jbox-Features";
    public static final String FEATURE_REPLAY = "replay";
    public static final String FEATURE_ENDED = "ended";
    public static final String FEATURE_READ_LOG = "read-log";
    public static final String FEATURES = FEATURE_REPLAY + "," + FEATURE_ENDED + "," + FEATURE_READ_LOG;

    public static final String JSON = "application/json";
    public static final String CONNECT_JSON = "application/connect+json";

    /** Lenient on input (proto3 JSON peers may add fields), compact on output. */
    public static ObjectMapper mapper() {
        return JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }
}
