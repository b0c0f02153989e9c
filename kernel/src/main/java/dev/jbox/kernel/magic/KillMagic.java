package dev.jbox.kernel.magic;

import dev.jbox.client.CommandHandle;
import dev.jbox.client.ProcessInfo;
import dev.jbox.client.Signal;
import dev.jbox.kernel.display.MimeBundle;
import dev.jbox.kernel.eval.EvalResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "%kill", sortOptions = false,
        description = {"Kills process trees: TERM, then KILL after a grace period; says what was killed.",
                "Also takes orphans of dead kernels (INSTANCE/ID, see %%ps --orphans): they are adopted, then killed.",
                "Example: %%kill p1 web    %%kill --all    %%kill p2 --signal INT"})
final class KillMagic extends MagicBase implements MagicCommand {

    @Option(names = "--all", description = "Every running process of the session.")
    boolean all;

    @Option(names = "--signal", paramLabel = "S", description = "Send only this signal (TERM, KILL, INT, HUP, USR1, ...).")
    String signal;

    @Parameters(paramLabel = "ID", arity = "0..*", description = "Process ids or names.")
    List<String> ids = new ArrayList<>();

    @Override
    public EvalResult run(MagicContext ctx) {
        MagicSession s = ctx.session();
        if (all == !ids.isEmpty()) throw MagicException.usage("%kill: give process ids or --all (not both); see %kill --help");
        Signal sig;
        try {
            sig = signal == null ? null : Signal.parse(signal);
        } catch (IllegalArgumentException e) {
            throw MagicException.usage("%kill: " + e.getMessage());
        }
        List<CommandHandle> targets = new ArrayList<>();
        if (all) {
            for (ProcessInfo p : s.sandbox().commands().list()) {
                if (!p.state().isFinal()) s.sandbox().commands().get(p.id()).ifPresent(targets::add);
            }
        } else {
            for (String id : ids) targets.add(resolve(s, id));
        }
        if (targets.isEmpty()) return EvalResult.ok(MimeBundle.text("nothing to kill: no process is running"));
        // Kills wait for their grace period; do them side by side.
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(targets.size(), 16), r -> {
            Thread t = new Thread(r, "jbox-kill");
            t.setDaemon(true);
            return t;
        });
        try {
            List<CompletableFuture<String>> lines = new ArrayList<>();
            for (CommandHandle h : targets) lines.add(CompletableFuture.supplyAsync(() -> killOne(h, sig), pool));
            StringBuilder b = new StringBuilder();
            for (CompletableFuture<String> f : lines) b.append(f.join()).append('\n');
            return EvalResult.ok(MimeBundle.text(b.toString().stripTrailing()));
        } finally {
            pool.shutdown();
        }
    }

    /** A process of the session, else an orphan of a dead kernel (adopted first, so that its end is recorded). */
    private static CommandHandle resolve(MagicSession s, String id) {
        try {
            return s.resolve(id);
        } catch (MagicException notOurs) {
            if (!(s.sandbox() instanceof dev.jbox.client.local.LocalSandbox local)) throw notOurs;
            ProcessInfo orphan = OrphanRefs.find(s, id);
            if (orphan == null) throw notOurs;
            return local.adopt(orphan.adoptedFrom(), orphan.id());
        }
    }

    private static String killOne(CommandHandle h, Signal sig) {
        String who = h.id() + " (pid " + h.pid() + ")";
        if (h.state().isFinal()) return who + " had already ended: " + describe(h);
        if (sig != null) {
            h.signal(sig);
            return "sent " + sig + " to the process tree of " + who;
        }
        boolean killed = h.kill();
        return killed ? "killed the process tree of " + who : who + " had already ended: " + describe(h);
    }

    private static String describe(CommandHandle h) {
        return h.state().name().toLowerCase(Locale.ROOT) + (h.exitCode() == null ? "" : ", exit code " + h.exitCode());
    }
}
