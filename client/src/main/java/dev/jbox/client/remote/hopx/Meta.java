package dev.jbox.client.remote.hopx;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * What jbox writes next to a command's logs when it starts it (base64 JSON, one line), so that a later session
 * shows the command as it was started: name, command line, working directory, environment, tag, timeout, start.
 */
record Meta(String name, String command, String cwd, Map<String, String> env, String tag, Long timeoutSeconds, String startedAt) {

    private static final ObjectMapper JSON = HopxWire.mapper();

    String encode() {
        try {
            return Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(this));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The meta of a line written by {@link #encode}; null if it cannot be read. */
    static Meta decode(String base64) {
        if (base64 == null || base64.equals("-")) return null;
        try {
            return JSON.readValue(Base64.getDecoder().decode(base64.getBytes(StandardCharsets.US_ASCII)), Meta.class);
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }
}
