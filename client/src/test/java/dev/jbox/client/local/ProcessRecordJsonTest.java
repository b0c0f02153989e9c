package dev.jbox.client.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Records are written field by field ({@link StateDir#toJson}) and read through Jackson's record mapping: both must
 * see the same JSON, for every component (a component added to the record but not to the writer fails here).
 */
class ProcessRecordJsonTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void theWriterAndTheMappingAgreeOnEveryComponent() throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("A", "1");
        env.put("QUOTE\"", "line\nbreak \u00e9 \\ \u0001");
        List<ProcessRecord> records = List.of(
                new ProcessRecord(7, "p7", "server", "python3 -m http.server", List.of("bash", "-c", "x \"y\""), "/tmp/w", env,
                        "jbox:bg", 5000L, true, "2026-12-02T19:00:00Z", "c00k1e", 4242, 1 << 20, 300, "KILLED", 137,
                        "2026-12-02T19:01:00Z", "killed by %kill"),
                new ProcessRecord(1, "p1", null, "true", List.of(), "/", Map.of(), null, null, false, null, "c", -1, 0, 0,
                        "RUNNING", null, null, null));
        for (ProcessRecord r : records) {
            byte[] written = StateDir.toJson(r);
            assertEquals(MAPPER.readTree(MAPPER.writeValueAsBytes(r)), MAPPER.readTree(written), "the same JSON as the mapping's");
            assertEquals(r, MAPPER.readValue(written, ProcessRecord.class), "read back whole");
        }
    }
}
