package dev.jbox.kernel.magic;

import dev.jbox.client.CommandHandle;
import dev.jbox.client.ProcessInfo;
import dev.jbox.client.Subscription;
import dev.jbox.kernel.display.MimeBundle;
import dev.jbox.kernel.eval.EvalResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "%wait", sortOptions = false,
        description = {"Blocks until the processes end, showing here what they print meanwhile.",
                "An interrupt stops the wait, not the processes. Example: %%wait p1 p2 --timeout 5m"})
final class WaitMagic extends MagicBase implements MagicCommand {

    @Option(names = "--all", description = "Every running process of the session.")
    boolean all;

    @Option(names = "--timeout", paramLabel = "D", description = "Stop waiting after D (30s, 10m, 2h).")
    Duration timeout;

    @Parameters(paramLabel = "ID", arity = "0..*", description = "Process ids or names.")
    List<String> ids = new ArrayList<>();

    @Override
    public EvalResult run(MagicContext ctx) throws InterruptedException {
        MagicSession s = ctx.session();
        if (all == !ids.isEmpty()) throw MagicException.usage("%wait: give process ids or --all (not both); see %wait --help");
        List<CommandHandle> handles = new ArrayList<>();
        if (all) {
            for (ProcessInfo p : s.sandbox().commands().list()) {
                if (!p.state().isFinal()) s.sandbox().commands().get(p.id()).ifPresent(handles::add);
            }
        } else {
            for (String id : ids) handles.add(s.resolve(id));
        }
        // Output printed while we wait is shown in this cell too (headless runners only keep the current cell's).
        List<OutputPump> pumps = new ArrayList<>();
        List<Subscription> subs = new ArrayList<>();
        for (CommandHandle h : handles) {
            boolean alreadyHere = s.job(h.id()).map(j -> j.pump().target() == ctx.out()).orElse(false);
            if (alreadyHere || h.state().isFinal()) continue;
            ProcessInfo info = h.info();
            OutputPump pump = new OutputPump(h.id(), ctx.out(), s.limiterFor(ctx.out()), s::rateLimit, r -> { });
            subs.add(h.subscribe(info.stdoutBytes(), info.stderrBytes(), pump));
            pumps.add(pump);
            s.ticker().add(pump);
        }
        Foreground.Outcome outcome;
        try {
            outcome = Foreground.await(s, handles, timeout, () -> { });
            if (outcome == Foreground.Outcome.ENDED) {
                for (OutputPump p : pumps) p.awaitEnd(Duration.ofSeconds(5));
                // Let the %bg pumps finish too, so their final panel refresh goes out while this cell still runs.
                for (CommandHandle h : handles) {
                    BackgroundJob j = s.job(h.id()).orElse(null);
                    if (j != null) j.pump().awaitEnd(Duration.ofSeconds(5));
                }
            }
        } finally {
            for (Subscription sub : subs) sub.close();
            for (OutputPump p : pumps) p.flush();
        }
        StringBuilder b = new StringBuilder();
        List<String> running = new ArrayList<>();
        for (CommandHandle h : handles) {
            ProcessInfo p = h.info();
            if (!p.state().isFinal()) {
                running.add(h.id());
                continue;
            }
            b.append(h.id()).append(": ").append(p.state().name().toLowerCase(Locale.ROOT))
                    .append(p.exitCode() == null ? "" : ", exit code " + p.exitCode())
                    .append(p.endedAt() == null ? "" : ", ran " + Durations.format(Duration.between(p.startedAt(), p.endedAt())))
                    .append('\n');
        }
        if (outcome == Foreground.Outcome.INTERRUPTED) {
            String msg = "interrupted: stopped waiting; still running: " + String.join(", ", running);
            return EvalResult.failed("Interrupted", msg, List.of("Interrupted: " + msg.substring("interrupted: ".length())));
        }
        if (outcome == Foreground.Outcome.TIMED_OUT) {
            b.append("stopped waiting after ").append(Durations.format(timeout)).append("; still running: ")
                    .append(String.join(", ", running)).append('\n');
        }
        if (handles.isEmpty()) b.append("nothing to wait for: no process is running");
        return EvalResult.ok(MimeBundle.text(b.toString().stripTrailing()));
    }
}
