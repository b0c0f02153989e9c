package dev.jbox.kernel.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** A message header (protocol 5.3). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Header(
        @JsonProperty("msg_id") String msgId,
        @JsonProperty("session") String session,
        @JsonProperty("username") String username,
        @JsonProperty("date") String date,
        @JsonProperty("msg_type") String msgType,
        @JsonProperty("version") String version) {

    public static final String PROTOCOL_VERSION = "5.3";

    private static final DateTimeFormatter ISO_MICROS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    public static Header create(String msgType, String session, String username) {
        return new Header(UUID.randomUUID().toString(), session, username, now(), msgType, PROTOCOL_VERSION);
    }

    /** Current time as ISO 8601 with microseconds and {@code Z}. */
    public static String now() {
        return ISO_MICROS.format(Instant.now().truncatedTo(ChronoUnit.MICROS));
    }
}
