package dev.jbox.kernel.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;

/** The connection file Jupyter hands to a kernel: where to bind and how to sign. */
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

    public static ConnectionInfo read(Path file) throws IOException {
        ConnectionInfo info = new ObjectMapper().readValue(file.toFile(), ConnectionInfo.class);
        if (!"tcp".equals(info.transport())) {
            throw new IOException("unsupported transport '" + info.transport() + "' in " + file + " (only tcp)");
        }
        if (info.signatureScheme() != null && !info.key().isEmpty() && !"hmac-sha256".equals(info.signatureScheme())) {
            throw new IOException("unsupported signature scheme '" + info.signatureScheme() + "' (only hmac-sha256)");
        }
        return info;
    }

    public String address(int port) {
        return transport + "://" + ip + ":" + port;
    }
}
