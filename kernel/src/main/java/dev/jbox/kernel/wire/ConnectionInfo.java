package dev.jbox.kernel.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The connection file Jupyter writes for a kernel.
 *
 * <pre>{@code
 * ConnectionInfo info = ConnectionInfo.read(Path.of("kernel-1234.json"));
 * String shell = info.endpoint(info.shellPort());   // "tcp://127.0.0.1:5555"
 * }</pre>
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ConnectionInfo(
        @JsonProperty("transport") String transport,
        @JsonProperty("ip") String ip,
        @JsonProperty("shell_port") int shellPort,
        @JsonProperty("iopub_port") int iopubPort,
        @JsonProperty("stdin_port") int stdinPort,
        @JsonProperty("control_port") int controlPort,
        @JsonProperty("hb_port") int hbPort,
        @JsonProperty("key") String key,
        @JsonProperty("signature_scheme") String signatureScheme) {

    public ConnectionInfo {
        transport = transport == null ? "tcp" : transport;
        ip = ip == null ? "127.0.0.1" : ip;
        key = key == null ? "" : key;
        signatureScheme = signatureScheme == null || signatureScheme.isEmpty() ? "hmac-sha256" : signatureScheme;
    }

    public static ConnectionInfo read(Path file) throws IOException {
        ConnectionInfo info = new ObjectMapper().readValue(file.toFile(), ConnectionInfo.class);
        if (!"tcp".equals(info.transport())) {
            throw new IOException("unsupported transport '" + info.transport() + "' in " + file + " (only tcp)");
        }
        if (!"hmac-sha256".equals(info.signatureScheme())) {
            throw new IOException("unsupported signature_scheme '" + info.signatureScheme() + "' in " + file + " (only hmac-sha256)");
        }
        return info;
    }

    /** A ZMQ endpoint on this connection's address. */
    public String endpoint(int port) {
        return transport + "://" + ip + ":" + port;
    }
}
