package dev.jbox.kernel.magic;

import dev.jbox.kernel.deps.Libraries;
import dev.jbox.kernel.deps.LibraryIntegrations;
import dev.jbox.kernel.deps.Requested;
import dev.jbox.kernel.deps.ResolutionException;
import dev.jbox.kernel.deps.TransferProgress;
import dev.jbox.kernel.display.CellOutput;
import dev.jbox.kernel.display.MimeBundle;
import dev.jbox.kernel.eval.EvalResult;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one {@code %maven} resolution for a cell: on a worker thread, with a progress display updated in place
 * while anything downloads, stoppable by an interrupt (the class path stays as it was), then onto the class path.
 */
final class LibraryAdd {

    private static final long POLL_MILLIS = 100;
    private static final long PROGRESS_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private LibraryAdd() {
    }

    static EvalResult run(MagicContext ctx, String magic, List<Requested> requested, String origin) throws InterruptedException {
        MagicSession s = ctx.session();
        Libraries libs = s.libraries();
        TransferProgress progress = new TransferProgress();
        CompletableFuture<Libraries.Plan> planned = new CompletableFuture<>();
        Thread worker = new Thread(() -> {
            try {
                planned.complete(libs.plan(requested, origin, progress));
            } catch (RuntimeException | Error e) {
                planned.completeExceptionally(e);
            }
        }, "jbox-maven-resolve");
        worker.setDaemon(true);
        long start = System.nanoTime();
        worker.start();
        String displayId = null;
        long shownAt = 0;
        Libraries.Plan plan;
        while (true) {
            try {
                plan = planned.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
                break;
            } catch (TimeoutException e) {
                // still resolving
            } catch (ExecutionException e) {
                if (displayId != null) ctx.out().updateDisplay(progressBundle(progress, start, "failed after"), displayId);
                Throwable cause = e.getCause();
                if (cause instanceof ResolutionException r) throw MagicException.failed(magic + ": " + r.getMessage());
                throw MagicException.failed(magic + ": " + cause);
            }
            if (s.interruptRequested()) {
                progress.cancel();
                worker.interrupt();
                if (displayId != null) ctx.out().updateDisplay(progressBundle(progress, start, "interrupted after"), displayId);
                String msg = magic + " was interrupted: nothing was added, the class path is as it was";
                return EvalResult.failed("Interrupted", msg, List.of("Interrupted: " + msg));
            }
            if (progress.started() && System.nanoTime() - shownAt > PROGRESS_EVERY_NANOS) {
                MimeBundle line = progressBundle(progress, start, null);
                if (displayId == null) {
                    displayId = UUID.randomUUID().toString();
                    ctx.out().display(line, displayId);
                } else {
                    ctx.out().updateDisplay(line, displayId);
                }
                shownAt = System.nanoTime();
            }
        }
        if (displayId != null) {
            ctx.out().updateDisplay(progressBundle(progress, start, "downloaded in"), displayId);
        } else if (progress.files() > 0) {
            ctx.out().display(progressBundle(progress, start, "downloaded in"), null); // too quick for a progress line
        }
        String summary;
        try {
            summary = libs.apply(plan);
        } catch (ResolutionException e) {
            throw MagicException.failed(magic + ": " + e.getMessage());
        }
        setUp(ctx.session(), ctx.out(), plan);
        return EvalResult.ok(summary.isEmpty() ? null : MimeBundle.text(summary));
    }

    /** Runs the set-up code of libraries that have one (e.g. XChart charts render as pictures); failures are one stderr line. */
    static void setUp(MagicSession s, CellOutput out, Libraries.Plan plan) {
        for (LibraryIntegrations.Integration i : LibraryIntegrations.forArtifacts(plan.added().stream().map(a -> a.coordinates().key()).toList())) {
            EvalResult r = s.java().evaluate(i.javaCode(), out);
            if (r.isError()) {
                out.stream("stderr", "jbox: " + i.what() + " is not set up: " + r.error().ename() + ": " + r.error().evalue() + "\n");
            }
        }
    }

    /** "fetching gson-2.11.0.jar from central: 120.0 KB so far, 3 files done", or, with {@code ended}, the totals. */
    private static MimeBundle progressBundle(TransferProgress p, long startNanos, String ended) {
        String bytes = ByteSizes.format(p.bytes());
        String files = p.files() + " file" + (p.files() == 1 ? "" : "s");
        String line = ended == null
                ? "fetching " + p.currentFile() + " from " + p.repository() + ": " + bytes + " so far, " + files + " done"
                : files + " (" + bytes + ") " + ended + " " + Durations.format(java.time.Duration.ofNanos(System.nanoTime() - startNanos));
        return MimeBundle.text(line);
    }
}
