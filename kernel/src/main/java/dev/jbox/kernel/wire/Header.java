package dev.jbox.kernel.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** A Jupyter message header (also used as a parent header). */
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

    /** ISO 8601 UTC with microseconds and {@code Z}, as the protocol asks. */
    public static String formatDate(Instant instant) {
        return ISO_MICROS.format(instant);
    }
}
