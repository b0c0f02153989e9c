package dev.jbox.kernel.eval;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Where each snippet came from, so stack traces say "cell line 3" rather than JShell's "#17:1". */
final class SnippetLocations {

    private record Origin(long cell, int firstLine) {
    }

    private final Map<String, Origin> origins = new ConcurrentHashMap<>();
    private volatile long currentCell;

    void startCell(long cellSerial) {
        currentCell = cellSerial;
    }

    void record(String snippetId, int firstLine) {
        origins.put(snippetId, new Origin(currentCell, firstLine));
    }

    /** {@code line} is 1-based within the snippet. */
    String describe(String snippetId, int line) {
        Origin o = origins.get(snippetId);
        if (o == null) {
            return "#" + snippetId + ":" + line;
        }
        int cellLine = o.firstLine() + Math.max(line, 1) - 1;
        return o.cell() == currentCell ? "line " + cellLine : "line " + cellLine + " of an earlier cell";
    }
}
