package dev.jbox.kernel.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The connection file Jupyter writes for a kernel.
 *
 * <pre>{@code
 * ConnectionInfo info = ConnectionInfo.read(Path.of("kernel-1234.json"));
 * String shell = info.endpoint(info.shellPort());   // "tcp://127.0.0.1:5555"
 * }</pre>
 */
public record ConnectionInfo(
        String transport,
        String ip,
        int shellPort,
        int iopubPort,
        int stdinPort,
        int controlPort,
        int hbPort,
        String key,
        String signatureScheme) {

    public ConnectionInfo {
        transport = transport == null ? "tcp" : transport;
        ip = ip == null ? "127.0.0.1" : ip;
        key = key == null ? "" : key;
        signatureScheme = signatureScheme == null || signatureScheme.isEmpty() ? "hmac-sha256" : signatureScheme;
    }

    /**
     * Reads the file with Jackson's streaming parser: binding it with an {@code ObjectMapper} costs about 50 ms
     * of class initialization before the sockets can be bound, a sixth of the kernel's startup.
     */
    public static ConnectionInfo read(Path file) throws IOException {
        Map<String, Object> fields = new HashMap<>();
        try (JsonParser p = new JsonFactory().createParser(file.toFile())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException(file + " is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (value == JsonToken.VALUE_NUMBER_INT) {
                    fields.put(name, p.getIntValue());
                } else if (value == JsonToken.VALUE_STRING) {
                    fields.put(name, p.getText());
                } else {
                    p.skipChildren(); // other fields (kernel_name, ...) are not the kernel's business
                }
            }
        }
        ConnectionInfo info = new ConnectionInfo(text(fields, "transport"), text(fields, "ip"),
                port(fields, "shell_port", file), port(fields, "iopub_port", file), port(fields, "stdin_port", file),
                port(fields, "control_port", file), port(fields, "hb_port", file),
                text(fields, "key"), text(fields, "signature_scheme"));
        if (!"tcp".equals(info.transport())) {
            throw new IOException("unsupported transport '" + info.transport() + "' in " + file + " (only tcp)");
        }
        if (!"hmac-sha256".equals(info.signatureScheme())) {
            throw new IOException("unsupported signature_scheme '" + info.signatureScheme() + "' in " + file + " (only hmac-sha256)");
        }
        return info;
    }

    private static String text(Map<String, Object> fields, String name) {
        return fields.get(name) instanceof String s ? s : null;
    }

    private static int port(Map<String, Object> fields, String name, Path file) throws IOException {
        if (fields.get(name) instanceof Integer port && port > 0 && port < 65536) {
            return port;
        }
        throw new IOException("no valid " + name + " in " + file);
    }

    /** A ZMQ endpoint on this connection's address. */
    public String endpoint(int port) {
        return transport + "://" + ip + ":" + port;
    }
}
