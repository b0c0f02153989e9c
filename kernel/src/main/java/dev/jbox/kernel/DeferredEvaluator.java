package dev.jbox.kernel;

import dev.jbox.kernel.display.CellOutput;
import dev.jbox.kernel.display.MimeBundle;
import dev.jbox.kernel.eval.Completeness;
import dev.jbox.kernel.eval.Completion;
import dev.jbox.kernel.eval.EvalResult;
import dev.jbox.kernel.eval.Evaluator;
import dev.jbox.kernel.eval.Inspection;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Builds the real evaluator on a background thread so the sockets answer {@code kernel_info} at once; the first
 * call that needs the evaluator waits for it. JShell's construction is the largest part of startup.
 */
final class DeferredEvaluator implements Evaluator {

    private final CompletableFuture<Evaluator> target = new CompletableFuture<>();

    DeferredEvaluator(Supplier<Evaluator> factory) {
        Thread t = new Thread(() -> {
            try {
                target.complete(factory.get());
            } catch (RuntimeException | Error e) {
                target.completeExceptionally(e);
            }
        }, "jbox-evaluator-init");
        t.setDaemon(true);
        t.start();
    }

    private Evaluator get() {
        return target.join();
    }

    @Override
    public EvalResult evaluate(String code, CellOutput output) {
        return get().evaluate(code, output);
    }

    @Override
    public EvalResult evaluateExpression(String expression, CellOutput output) {
        return get().evaluateExpression(expression, output);
    }

    @Override
    public void interrupt() {
        Evaluator e = target.getNow(null);
        if (e != null) {
            e.interrupt(); // before it exists nothing can be running
        }
    }

    @Override
    public Completion complete(String code, int cursor) {
        return get().complete(code, cursor);
    }

    @Override
    public Optional<Inspection> inspect(String code, int cursor, int detailLevel) {
        return get().inspect(code, cursor, detailLevel);
    }

    @Override
    public Completeness isComplete(String code) {
        return get().isComplete(code);
    }

    @Override
    public void addToClassPath(List<Path> entries) {
        get().addToClassPath(entries);
    }

    @Override
    public void runningElsewhere(boolean running) {
        get().runningElsewhere(running);
    }

    @Override
    public MimeBundle render(Object value) {
        return get().render(value);
    }

    @Override
    public void close() {
        try {
            get().close();
        } catch (RuntimeException e) {
            // construction failed: nothing to close
        }
    }
}
