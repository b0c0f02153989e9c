package dev.jbox.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryTest {

    @TempDir
    Path dir;

    @Test
    void historyOutlivesTheKernelSession() {
        Path file = dir.resolve("sub").resolve("history.jsonl");
        History first = History.open(file);
        first.add(1, "int x = 1;", null);
        first.add(2, "x + 1", "2");
        assertEquals(1, first.session());

        History second = History.open(file); // the next kernel
        assertEquals(2, second.session());
        second.add(1, "x", "1");
        assertEquals(List.of(List.of(1, 1, "int x = 1;"), List.of(1, 2, "x + 1"), List.of(2, 1, "x")), second.tail(10, false));
        assertEquals(List.of(List.of(2, 1, "x")), second.tail(1, false));
        assertEquals(List.of(List.of(1, 2, Arrays.asList("x + 1", "2"))), second.range(-1, 2, 3, true), "the previous session");
        assertEquals(List.of(List.of(1, 2, "x + 1")), second.range(1, 2, 0, false), "by its number");
        assertEquals(List.of(List.of(2, 1, "x")), second.range(0, 1, 0, false), "0 is this session");
        assertEquals(List.of(List.of(1, 2, "x + 1"), List.of(2, 1, "x")), second.search("x*", 0, false, false), "across sessions");
    }

    @Test
    void searchFindsTheLastUniqueMatches() {
        History h = History.open(null);
        h.add(1, "a = 1", null);
        h.add(2, "b = 2", null);
        h.add(3, "a = 1", null);
        assertEquals(List.of(List.of(1, 2, "b = 2"), List.of(1, 3, "a = 1")), h.search("? = ?", 0, true, false));
        assertEquals(List.of(List.of(1, 3, "a = 1")), h.search("a*", 1, false, false));
    }

    @Test
    void badLinesAreSkippedAndTheFileIsTrimmed() throws Exception {
        Path file = dir.resolve("history.jsonl");
        StringBuilder b = new StringBuilder("not json\n{\"session\":\"x\"}\n");
        for (int i = 1; i <= History.KEEP + 5; i++) {
            b.append("{\"session\":1,\"line\":").append(i).append(",\"input\":\"c").append(i).append("\",\"output\":null}\n");
        }
        Files.writeString(file, b, StandardCharsets.UTF_8);
        History h = History.open(file);
        List<List<Object>> all = h.tail(Integer.MAX_VALUE, false);
        assertEquals(History.KEEP, all.size());
        assertEquals(List.of(1, 6, "c6"), all.get(0), "the oldest went");
        assertEquals(History.KEEP, Files.readAllLines(file).size(), "the file holds only what is kept");
        h.add(1, "next", null);
        assertTrue(Files.readString(file).endsWith("\"input\":\"next\",\"output\":null}\n"));
    }

    @Test
    void anUnwritablePlaceKeepsHistoryInMemory() throws Exception {
        Path blocker = dir.resolve("file-not-dir");
        Files.writeString(blocker, "x");
        History h = History.open(blocker.resolve("history.jsonl"));
        h.add(1, "still here", null);
        assertEquals(List.of(List.of(1, 1, "still here")), h.tail(5, false));
    }

    @Test
    void theFileIsChosenByTheEnvironment() {
        assertNull(History.defaultFile(Map.of("JBOX_HISTORY", "off")));
        assertEquals(Path.of("/x/h.jsonl"), History.defaultFile(Map.of("JBOX_HISTORY", "/x/h.jsonl")));
        assertEquals(Path.of("/data/jbox/history.jsonl"), History.defaultFile(Map.of("XDG_DATA_HOME", "/data")));
    }
}
