package dev.jbox.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jbox.kernel.eval.Completeness;
import dev.jbox.kernel.eval.Completion;
import dev.jbox.kernel.eval.Evaluator;
import dev.jbox.kernel.eval.Inspection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The shell requests that only ask something: kernel_info, complete, inspect, is_complete, history, comms. */
final class QueryHandlers {

    private final Evaluator evaluator;
    private final History history;
    private final Publisher publisher;

    QueryHandlers(Evaluator evaluator, History history, Publisher publisher) {
        this.evaluator = evaluator;
        this.history = history;
        this.publisher = publisher;
    }

    void kernelInfo(Request r) {
        r.reply("kernel_info_reply", KernelInfo.content());
    }

    void complete(Request r) {
        String code = r.content().path("code").asText("");
        int cursor = clamp(r.content().path("cursor_pos").asInt(code.length()), code);
        Completion c = evaluator.complete(code, cursor);
        r.reply("complete_reply", Map.of("status", "ok", "matches", c.matches(),
                "cursor_start", c.cursorStart(), "cursor_end", c.cursorEnd(), "metadata", Map.of()));
    }

    void inspect(Request r) {
        String code = r.content().path("code").asText("");
        int cursor = clamp(r.content().path("cursor_pos").asInt(code.length()), code);
        Optional<Inspection> doc = evaluator.inspect(code, cursor, r.content().path("detail_level").asInt(0));
        Map<String, Object> data = new LinkedHashMap<>();
        doc.ifPresent(d -> {
            data.put("text/plain", d.plainText());
            if (d.html() != null) {
                data.put("text/html", d.html());
            }
        });
        r.reply("inspect_reply", Map.of("status", "ok", "found", doc.isPresent(), "data", data, "metadata", Map.of()));
    }

    void isComplete(Request r) {
        Completeness c = evaluator.isComplete(r.content().path("code").asText(""));
        String status = c.status().name().toLowerCase(Locale.ROOT);
        r.reply("is_complete_reply", c.status() == Completeness.Status.INCOMPLETE
                ? Map.of("status", status, "indent", c.indent() == null ? "" : c.indent())
                : Map.of("status", status));
    }

    void history(Request r) {
        JsonNode c = r.content();
        boolean output = c.path("output").asBoolean(false);
        List<List<Object>> entries = switch (c.path("hist_access_type").asText("tail")) {
            case "range" -> history.range(c.path("session").asInt(0), c.path("start").asInt(0), c.path("stop").asInt(0), output);
            case "search" -> history.search(c.path("pattern").asText("*"), c.path("n").asInt(0), c.path("unique").asBoolean(false), output);
            default -> history.tail(c.path("n").asInt(10), output);
        };
        r.reply("history_reply", Map.of("status", "ok", "history", entries));
    }

    void commInfo(Request r) {
        r.reply("comm_info_reply", Map.of("status", "ok", "comms", Map.of()));
    }

    /** No comm targets are registered: an unknown target is closed right away, as the protocol asks. */
    void commOpen(Request r) {
        publisher.publish("comm_close", r.header(), Map.of("comm_id", r.content().path("comm_id").asText(""), "data", Map.of()));
    }

    /** comm_msg / comm_close for comms we never opened: nothing to do. */
    void ignore(Request r) {
    }

    private static int clamp(int cursor, String code) {
        return Math.max(0, Math.min(cursor, code.length()));
    }
}
