package dev.jbox.kernel.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectionInfoTest {

    @TempDir
    Path dir;

    private Path file(String json) throws IOException {
        return Files.writeString(dir.resolve("kernel.json"), json);
    }

    @Test
    void readsWhatJupyterWrites() throws IOException {
        ConnectionInfo info = ConnectionInfo.read(file("""
                {"shell_port": 5001, "iopub_port": 5002, "stdin_port": 5003, "control_port": 5004, "hb_port": 5005,
                 "ip": "127.0.0.1", "key": "a0b1-c2", "transport": "tcp", "signature_scheme": "hmac-sha256",
                 "kernel_name": "jbox", "extra": {"nested": [1, 2, {"x": null}]}, "flag": true}"""));
        assertEquals(new ConnectionInfo("tcp", "127.0.0.1", 5001, 5002, 5003, 5004, 5005, "a0b1-c2", "hmac-sha256"), info);
        assertEquals("tcp://127.0.0.1:5004", info.endpoint(info.controlPort()));
    }

    @Test
    void missingOptionalFieldsTakeJupytersDefaults() throws IOException {
        ConnectionInfo info = ConnectionInfo.read(file("""
                {"shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5}"""));
        assertEquals(new ConnectionInfo("tcp", "127.0.0.1", 1, 2, 3, 4, 5, "", "hmac-sha256"), info);
    }

    @Test
    void badFilesSayWhatIsWrong() throws IOException {
        IOException noPort = assertThrows(IOException.class, () -> ConnectionInfo.read(file("""
                {"shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4}""")));
        assertTrue(noPort.getMessage().contains("hb_port"), noPort.getMessage());
        IOException badPort = assertThrows(IOException.class, () -> ConnectionInfo.read(file("""
                {"shell_port": "x", "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5}""")));
        assertTrue(badPort.getMessage().contains("shell_port"), badPort.getMessage());
        IOException ipc = assertThrows(IOException.class, () -> ConnectionInfo.read(file("""
                {"transport": "ipc", "shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5}""")));
        assertTrue(ipc.getMessage().contains("unsupported transport 'ipc'"), ipc.getMessage());
        IOException md5 = assertThrows(IOException.class, () -> ConnectionInfo.read(file("""
                {"signature_scheme": "hmac-md5", "shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5}""")));
        assertTrue(md5.getMessage().contains("hmac-md5"), md5.getMessage());
        assertThrows(IOException.class, () -> ConnectionInfo.read(file("[1, 2]")));
        assertThrows(IOException.class, () -> ConnectionInfo.read(file("{\"shell_port\": 1,")));
        assertThrows(IOException.class, () -> ConnectionInfo.read(dir.resolve("missing.json")));
    }
}
