package dev.jbox.kernel.magic;

import dev.jbox.client.CommandHandle;
import dev.jbox.client.StreamKind;
import dev.jbox.client.Subscription;
import dev.jbox.kernel.eval.EvalResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "%logs", sortOptions = false,
        description = {"Shows a process's output from its log: all of it by default, not only what the cell showed.",
                "Example: %%logs p1 --tail 20    %%logs web --stderr --follow    %%logs p1 --offset 1048576 --bytes 4096"})
final class LogsMagic extends MagicBase implements MagicCommand {

    @Parameters(index = "0", paramLabel = "ID", description = "Process id or name.")
    String id;

    @Option(names = "--tail", paramLabel = "N", description = "Only the last N lines.")
    Integer tail;

    @Option(names = "--head", paramLabel = "N", description = "Only the first N lines.")
    Integer head;

    @ArgGroup(exclusive = true)
    Which which;

    static final class Which {
        @Option(names = "--stderr", description = "stderr instead of stdout.")
        boolean stderr;

        @Option(names = "--both", description = "stdout, then stderr.")
        boolean both;
    }

    @Option(names = "--offset", paramLabel = "B", description = "Start at byte B of the log.")
    Long offset;

    @Option(names = "--bytes", paramLabel = "N", description = "At most N bytes (with --offset).")
    Long bytes;

    @Option(names = "--follow", description = "Then keep showing new output until the process ends (interruptible).")
    boolean follow;

    @Override
    public EvalResult run(MagicContext ctx) throws InterruptedException {
        if (tail != null && head != null) throw MagicException.usage("%logs: --tail and --head exclude each other");
        if ((tail != null && tail < 0) || (head != null && head < 0) || (offset != null && offset < 0) || (bytes != null && bytes < 0)) {
            throw MagicException.usage("%logs: counts and offsets must be >= 0");
        }
        MagicSession s = ctx.session();
        CommandHandle h = s.resolve(id);
        List<StreamKind> kinds = new ArrayList<>();
        if (which == null || !which.stderr || which.both) kinds.add(StreamKind.STDOUT);
        if (which != null && (which.stderr || which.both)) kinds.add(StreamKind.STDERR);
        long[] ends = {LogText.end(h, StreamKind.STDOUT), LogText.end(h, StreamKind.STDERR)};
        for (StreamKind k : kinds) {
            long end = ends[k.ordinal()];
            long from = 0;
            long to = end;
            if (offset != null) from = Math.min(offset, end);
            if (bytes != null) to = Math.min(end, from + bytes);
            if (tail != null) from = Math.max(from, LogText.tailStart(h, k, to, tail));
            if (head != null) to = Math.min(to, LogText.headEnd(h, k, to, head));
            LogText.send(h, k, from, to, ctx.out());
        }
        if (follow && !h.state().isFinal()) {
            OutputPump pump = new OutputPump(h.id(), ctx.out(), s.limiterFor(ctx.out()), s::rateLimit, r -> { });
            s.ticker().add(pump);
            Foreground.Outcome o;
            try (Subscription ignored = h.subscribe(ends[0], ends[1], new StreamFilter(pump, kinds))) {
                o = Foreground.await(s, List.of(h), null, () -> { });
                if (o == Foreground.Outcome.ENDED) pump.awaitEnd(Duration.ofSeconds(5));
            }
            pump.flush();
            if (o == Foreground.Outcome.INTERRUPTED) {
                return EvalResult.failed("Interrupted", "interrupted: stopped following " + h.id() + " (it still runs)",
                        List.of("Interrupted: stopped following " + h.id() + " (it still runs)"));
            }
        }
        return EvalResult.ok(null);
    }
}
