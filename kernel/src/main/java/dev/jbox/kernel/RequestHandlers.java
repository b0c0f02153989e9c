package dev.jbox.kernel;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.jbox.kernel.display.CellOutput;
import dev.jbox.kernel.display.MimeBundle;
import dev.jbox.kernel.eval.Completeness;
import dev.jbox.kernel.eval.Completion;
import dev.jbox.kernel.eval.EvalResult;
import dev.jbox.kernel.eval.Evaluator;
import dev.jbox.kernel.eval.Inspection;
import dev.jbox.kernel.wire.Contents;
import dev.jbox.kernel.wire.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernel's answers to shell and control requests. Runs on the thread of the socket a request came from;
 * knows the evaluator only through {@link Evaluator}.
 */
final class RequestHandlers {

    static final String VERSION = "0.1.0";

    /** {@code String?}, {@code Math.max?}, {@code java.util.List??}: IPython's "show me the docs" convention. */
    private static final Pattern HELP_REQUEST = Pattern.compile("\\s*([A-Za-z_$][\\w$]*(?:\\.[A-Za-z_$][\\w$]*)*)(?:\\(\\))?\\s*(\\?\\??)\\s*");

    private final Evaluator evaluator;
    private final KernelChannels channels;
    private final ScheduledExecutorService timer;
    private final History history = new History();
    private final Runnable shutdown;
    private int executionCount;
    private boolean stopRequested;

    RequestHandlers(Evaluator evaluator, KernelChannels channels, ScheduledExecutorService timer, Runnable shutdown) {
        this.evaluator = evaluator;
        this.channels = channels;
        this.timer = timer;
        this.shutdown = shutdown;
    }

    /** Message type to handler for the shell socket. */
    Map<String, Handler> shell() {
        Map<String, Handler> m = new LinkedHashMap<>();
        m.put("kernel_info_request", this::kernelInfo);
        m.put("execute_request", this::execute);
        m.put("complete_request", this::complete);
        m.put("inspect_request", this::inspect);
        m.put("is_complete_request", this::isComplete);
        m.put("history_request", this::history);
        m.put("comm_info_request", r -> r.reply("comm_info_reply", new Contents.CommInfoReply("ok", Map.of())));
        m.put("comm_open", this::commOpen);
        m.put("comm_msg", r -> { });   // no comm targets: nothing to deliver to
        m.put("comm_close", r -> { });
        return Map.copyOf(m);
    }

    /** Message type to handler for the control socket. */
    Map<String, Handler> control() {
        return Map.of(
                "kernel_info_request", this::kernelInfo,
                "interrupt_request", this::interrupt,
                "shutdown_request", this::shutdown);
    }

    // ---- execute ----------------------------------------------------------------------------------------------

    /** True once after a cell failed with stop_on_error: the shell loop then aborts the executes already queued. */
    boolean takeStopRequest() {
        boolean s = stopRequested;
        stopRequested = false;
        return s;
    }

    private void execute(Request r) throws InvalidRequestException {
        Contents.ExecuteRequest req = parse(r, Contents.ExecuteRequest.class);
        if (req.code() == null) throw new InvalidRequestException("execute_request without code");
        boolean silent = req.isSilent();
        int count = req.storesHistory() ? ++executionCount : executionCount;
        if (!silent) channels.publish(r.message(), "execute_input", new Contents.ExecuteInput(req.code(), count));
        if (req.storesHistory()) history.add(count, req.code());
        CellOutput out = silent ? new DiscardedOutput() : new RequestOutput(r.message(), req.allowsStdin(), channels, timer);

        List<Map<String, Object>> payload = new ArrayList<>();
        EvalResult result = helpRequest(req.code(), out, payload).orElseGet(() -> evaluator.evaluate(req.code(), out));
        out.flush();
        if (result.isError()) {
            EvalResult.EvalError e = result.error();
            if (!silent) channels.publish(r.message(), "error", new Contents.Error(e.ename(), e.evalue(), e.traceback()));
            r.reply("execute_reply", new Contents.ExecuteReply("error", count, null, null, e.ename(), e.evalue(), e.traceback()));
            stopRequested = req.stopsOnError();
            return;
        }
        if (result.value() != null && !silent) {
            MimeBundle v = result.value();
            channels.publish(r.message(), "execute_result", new Contents.ExecuteResult(count, v.data(), v.metadata()));
            if (req.storesHistory() && v.data().get("text/plain") instanceof String text) history.setOutput(count, text);
        }
        Map<String, Object> expressions = new LinkedHashMap<>();
        req.expressions().forEach((name, expr) -> expressions.put(name, userExpression(expr, out)));
        out.flush();
        r.reply("execute_reply", new Contents.ExecuteReply("ok", count, expressions, payload, null, null, null));
    }

    /** The reply to an execute that was queued behind a failed one with stop_on_error. */
    void abort(Request r) {
        r.reply("execute_reply", new Contents.ExecuteReply("aborted", executionCount, null, null, null, null, null));
    }

    private Optional<EvalResult> helpRequest(String code, CellOutput out, List<Map<String, Object>> payload) {
        Matcher m = HELP_REQUEST.matcher(code);
        if (!m.matches()) return Optional.empty();
        String name = m.group(1);
        Optional<Inspection> doc = evaluator.inspect(name, name.length(), m.group(2).length() - 1);
        if (doc.isEmpty()) {
            out.stream("stdout", "No documentation found for " + name + "\n");
        } else {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("text/plain", doc.get().plainText());
            if (doc.get().html() != null) data.put("text/html", doc.get().html());
            payload.add(Map.of("source", "page", "data", data, "start", 0));
        }
        return Optional.of(EvalResult.ok(null));
    }

    private Map<String, Object> userExpression(String expr, CellOutput out) {
        EvalResult r = evaluator.evaluateExpression(expr, out);
        if (r.isError()) {
            return Map.of("status", "error", "ename", r.error().ename(), "evalue", r.error().evalue(), "traceback", r.error().traceback());
        }
        MimeBundle v = r.value() == null ? MimeBundle.text("") : r.value();
        return Map.of("status", "ok", "data", v.data(), "metadata", v.metadata());
    }

    // ---- introspection ------------------------------------------------------------------------------------------

    private void complete(Request r) throws InvalidRequestException {
        Contents.CompleteRequest req = parse(r, Contents.CompleteRequest.class);
        String code = required(req.code(), "code");
        int cursor = utf16Index(code, req.cursorPos());
        Completion c = evaluator.complete(code, cursor);
        r.reply("complete_reply", new Contents.CompleteReply("ok", c.matches(),
                code.codePointCount(0, c.cursorStart()), code.codePointCount(0, c.cursorEnd()), Map.of()));
    }

    private void inspect(Request r) throws InvalidRequestException {
        Contents.InspectRequest req = parse(r, Contents.InspectRequest.class);
        String code = required(req.code(), "code");
        Optional<Inspection> doc = evaluator.inspect(code, utf16Index(code, req.cursorPos()), req.detailLevel() == null ? 0 : req.detailLevel());
        Map<String, Object> data = new LinkedHashMap<>();
        doc.ifPresent(d -> {
            data.put("text/plain", d.plainText());
            if (d.html() != null) data.put("text/html", d.html());
        });
        r.reply("inspect_reply", new Contents.InspectReply("ok", doc.isPresent(), data, Map.of()));
    }

    private void isComplete(Request r) throws InvalidRequestException {
        Contents.IsCompleteRequest req = parse(r, Contents.IsCompleteRequest.class);
        Completeness c = evaluator.isComplete(required(req.code(), "code"));
        String status = c.status().name().toLowerCase(Locale.ROOT);
        r.reply("is_complete_reply", new Contents.IsCompleteReply(status, c.status() == Completeness.Status.INCOMPLETE ? c.indent() : null));
    }

    private void history(Request r) throws InvalidRequestException {
        Contents.HistoryRequest req = parse(r, Contents.HistoryRequest.class);
        boolean output = Boolean.TRUE.equals(req.output());
        int n = req.n() == null ? 10 : req.n();
        List<History.Entry> entries = switch (req.histAccessType() == null ? "tail" : req.histAccessType()) {
            case "tail" -> history.tail(n);
            case "range" -> history.range(req.session() == null ? 0 : req.session(), req.start() == null ? 1 : req.start(), req.stop());
            case "search" -> history.search(req.pattern(), req.n() == null ? 0 : req.n(), Boolean.TRUE.equals(req.unique()));
            default -> throw new InvalidRequestException("unknown hist_access_type " + req.histAccessType());
        };
        r.reply("history_reply", new Contents.HistoryReply("ok", entries.stream().map(e -> e.toWire(output)).toList()));
    }

    private void commOpen(Request r) throws InvalidRequestException {
        Contents.CommOpen req = parse(r, Contents.CommOpen.class);
        // No comm targets are registered: close it at once, as the protocol asks.
        channels.publish(r.message(), "comm_close", new Contents.CommClose(required(req.commId(), "comm_id"), Map.of()));
    }

    // ---- kernel ------------------------------------------------------------------------------------------------

    private void kernelInfo(Request r) {
        String java = System.getProperty("java.version");
        r.reply("kernel_info_reply", new Contents.KernelInfoReply("ok", "5.3", "jbox", VERSION,
                new Contents.LanguageInfo("java", java, "text/x-java-source", ".jshell", "java", "java"),
                "jbox " + VERSION + " — Java " + java + " (JShell) with sandbox magics: %lsmagic lists them",
                List.of(new Contents.HelpLink("Java API", "https://docs.oracle.com/en/java/javase/" + Runtime.version().feature() + "/docs/api/"),
                        new Contents.HelpLink("JShell", "https://docs.oracle.com/en/java/javase/" + Runtime.version().feature() + "/jshell/")),
                false));
    }

    private void interrupt(Request r) {
        evaluator.interrupt();
        r.reply("interrupt_reply", new Contents.InterruptReply("ok"));
    }

    private void shutdown(Request r) throws InvalidRequestException {
        Contents.ShutdownRequest req = parse(r, Contents.ShutdownRequest.class);
        r.reply("shutdown_reply", new Contents.ShutdownReply("ok", Boolean.TRUE.equals(req.restart())));
        shutdown.run();
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static <T> T parse(Request r, Class<T> type) throws InvalidRequestException {
        try {
            return Json.MAPPER.treeToValue(r.message().content(), type);
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException(r.type() + " has invalid content: " + e.getOriginalMessage());
        }
    }

    private static <T> T required(T value, String field) throws InvalidRequestException {
        if (value == null) throw new InvalidRequestException("missing field " + field);
        return value;
    }

    /** Protocol cursors count code points; Java strings count UTF-16 units. Missing means end of code. */
    private static int utf16Index(String code, Integer codePoints) {
        int total = code.codePointCount(0, code.length());
        int cp = codePoints == null ? total : Math.max(0, Math.min(codePoints, total));
        return code.offsetByCodePoints(0, cp);
    }
}
