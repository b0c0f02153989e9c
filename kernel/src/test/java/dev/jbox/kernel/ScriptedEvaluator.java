package dev.jbox.kernel;

import dev.jbox.kernel.display.CellOutput;
import dev.jbox.kernel.display.MimeBundle;
import dev.jbox.kernel.eval.Completeness;
import dev.jbox.kernel.eval.Completion;
import dev.jbox.kernel.eval.EvalResult;
import dev.jbox.kernel.eval.Evaluator;
import dev.jbox.kernel.eval.Inspection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny evaluator for dispatch tests, driven by the cell text: {@code fail} errors, {@code print N} writes N lines,
 * {@code block} waits for {@link #interrupt()}, {@code stubborn} ignores interrupts until {@link #stubborn} is released,
 * {@code display} shows a bundle; anything else is echoed as the value.
 */
final class ScriptedEvaluator implements Evaluator {

    final AtomicInteger evaluations = new AtomicInteger();
    final CountDownLatch closed = new CountDownLatch(1);
    private volatile CountDownLatch interrupt = new CountDownLatch(1);
    /** What a {@code stubborn} cell waits for; set a new one before sending such a cell. */
    volatile CountDownLatch stubborn = new CountDownLatch(0);

    @Override
    public EvalResult evaluate(String code, CellOutput out) {
        evaluations.incrementAndGet();
        if (code.equals("fail")) {
            out.stream("stdout", "about to fail\n");
            // Like a real cell, failing takes a moment: requests sent right behind it are queued by then (the
            // kernel aborts what is queued, not what is still on its way, as ipykernel does by default).
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return EvalResult.failed("Boom", "it failed", List.of("Boom: it failed"));
        }
        if (code.startsWith("print ")) {
            for (int i = 0; i < Integer.parseInt(code.substring(6)); i++) {
                out.stream("stdout", "line " + i + "\n");
            }
            return EvalResult.ok(null);
        }
        if (code.equals("block")) {
            interrupt = new CountDownLatch(1);
            try {
                interrupt.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return EvalResult.failed("Interrupted", "interrupted", List.of("Interrupted"));
        }
        if (code.equals("stubborn")) {
            try {
                stubborn.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return EvalResult.ok(null);
        }
        if (code.equals("display")) {
            out.display(MimeBundle.text("shown").with("text/html", "<b>shown</b>"), "d1");
            out.updateDisplay(MimeBundle.text("updated"), "d1");
            out.clearOutput(true);
            return EvalResult.ok(null);
        }
        return EvalResult.ok(MimeBundle.text(code));
    }

    @Override
    public EvalResult evaluateExpression(String expression, CellOutput output) {
        return evaluate(expression, output);
    }

    @Override
    public void interrupt() {
        interrupt.countDown();
    }

    @Override
    public Completion complete(String code, int cursor) {
        return new Completion(List.of(code + "X"), 0, cursor);
    }

    @Override
    public Optional<Inspection> inspect(String code, int cursor, int detailLevel) {
        return code.startsWith("Known") ? Optional.of(new Inspection("doc of " + code, null)) : Optional.empty();
    }

    @Override
    public Completeness isComplete(String code) {
        return code.endsWith("{") ? Completeness.incomplete("  ") : Completeness.complete();
    }

    @Override
    public void addToClassPath(java.util.List<java.nio.file.Path> entries) {
        throw new UnsupportedOperationException("not used by these tests");
    }

    @Override
    public MimeBundle render(Object value) {
        return MimeBundle.text(String.valueOf(value));
    }

    @Override
    public void close() {
        closed.countDown();
    }
}
