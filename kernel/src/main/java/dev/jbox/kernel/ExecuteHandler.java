package dev.jbox.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jbox.kernel.eval.EvalResult;
import dev.jbox.kernel.eval.Evaluator;
import dev.jbox.kernel.eval.Inspection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code execute_request}: execute_input, evaluation into a {@link KernelCellOutput}, execute_result or exactly
 * one error, user_expressions, history, and the {@code NAME?} pager convention. Runs on the shell thread.
 */
final class ExecuteHandler implements Handler {

    /** A cell that only says {@code exit}, {@code quit} or {@code /exit} (none of them is Java on its own). */
    private static final Pattern EXIT = Pattern.compile("\\s*(exit|quit|/exit)(\\(\\))?;?\\s*");

    /** {@code String?}, {@code Math.max?}, {@code list.add??}: documentation as a page payload (IPython's convention). */
    private static final Pattern HELP = Pattern.compile("\\s*([A-Za-z_$][\\w$]*(?:\\.[A-Za-z_$][\\w$]*)*)(\\?{1,2})\\s*");

    private final Evaluator evaluator;
    private final CellOutputs outputs;
    private final History history;
    private int executionCount;
    private boolean abortQueued;

    ExecuteHandler(Evaluator evaluator, CellOutputs outputs, History history) {
        this.evaluator = evaluator;
        this.outputs = outputs;
        this.history = history;
    }

    /**
     * True once after a failed cell with {@code stop_on_error}, from just before its reply is sent: the shell loop
     * checks it as the reply goes out and aborts the execute requests that reached the kernel until then.
     */
    boolean takeAbortQueued() {
        boolean a = abortQueued;
        abortQueued = false;
        return a;
    }

    @Override
    public void handle(Request request) {
        JsonNode c = request.content();
        String code = c.path("code").asText("");
        boolean silent = c.path("silent").asBoolean(false);
        boolean storeHistory = !silent && c.path("store_history").asBoolean(true);
        boolean allowStdin = c.path("allow_stdin").asBoolean(false);
        boolean stopOnError = c.path("stop_on_error").asBoolean(true);
        abortQueued = false;
        if (storeHistory) {
            executionCount++;
        }
        int count = executionCount;
        KernelCellOutput out = outputs.open(request.message(), allowStdin, silent);
        if (!silent) {
            outputs.publisher().publish("execute_input", request.header(), Map.of("code", code, "execution_count", count));
        }

        List<Object> payload = new ArrayList<>();
        Matcher help = HELP.matcher(code);
        EvalResult result;
        if (EXIT.matcher(code).matches()) {
            payload.add(Map.of("source", "ask_exit", "keepkernel", false)); // the frontend closes, as for IPython's exit
            result = EvalResult.ok(null);
        } else if (help.matches()) {
            result = page(help.group(1), help.group(2).length() - 1, out, payload);
        } else {
            result = evaluator.evaluate(code, out);
        }
        out.flush();

        Map<String, Object> reply = new LinkedHashMap<>();
        String outputText = null;
        if (result.isError()) {
            EvalResult.EvalError e = result.error();
            out.publishInOrder("error", Map.of("ename", e.ename(), "evalue", e.evalue(), "traceback", e.traceback()));
            reply.put("status", "error");
            reply.put("execution_count", count);
            reply.put("ename", e.ename());
            reply.put("evalue", e.evalue());
            reply.put("traceback", e.traceback());
            abortQueued = stopOnError && !silent; // as ipykernel: a failing silent request (tooling) aborts nothing
        } else {
            if (result.value() != null) {
                out.publishInOrder("execute_result", Map.of("execution_count", count,
                        "data", result.value().data(), "metadata", result.value().metadata()));
                Object plain = result.value().data().get("text/plain");
                outputText = plain == null ? null : plain.toString();
            }
            reply.put("status", "ok");
            reply.put("execution_count", count);
            reply.put("payload", payload);
        }
        reply.put("user_expressions", userExpressions(c.path("user_expressions"), out));
        out.flush();
        if (storeHistory) {
            history.add(count, code, outputText);
        }
        request.reply("execute_reply", reply);
    }

    /** Answers an execute_request without running it (after an earlier error with stop_on_error). */
    void abort(Request request) {
        request.reply("execute_reply", Map.of("status", "aborted", "execution_count", executionCount));
    }

    private EvalResult page(String name, int detail, KernelCellOutput out, List<Object> payload) {
        Optional<Inspection> doc = evaluator.inspect(name, name.length(), detail);
        if (doc.isEmpty()) {
            out.stream("stderr", "no documentation found for " + name + "\n");
            return EvalResult.ok(null);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("text/plain", doc.get().plainText());
        if (doc.get().html() != null) {
            data.put("text/html", doc.get().html());
        }
        payload.add(Map.of("source", "page", "data", data, "start", 0));
        return EvalResult.ok(null);
    }

    private Map<String, Object> userExpressions(JsonNode expressions, KernelCellOutput out) {
        Map<String, Object> results = new LinkedHashMap<>();
        expressions.fields().forEachRemaining(e -> {
            EvalResult r = evaluator.evaluateExpression(e.getValue().asText(""), out);
            if (r.isError()) {
                results.put(e.getKey(), Map.of("status", "error", "ename", r.error().ename(),
                        "evalue", r.error().evalue(), "traceback", r.error().traceback()));
            } else {
                Map<String, Object> data = r.value() == null ? Map.of() : r.value().data();
                Map<String, Object> meta = r.value() == null ? Map.of() : r.value().metadata();
                results.put(e.getKey(), Map.of("status", "ok", "data", data, "metadata", meta));
            }
        });
        return results;
    }
}
