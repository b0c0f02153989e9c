package dev.jbox.kernel.magic;

import dev.jbox.client.CommandHandle;
import dev.jbox.client.ProcessInfo;
import dev.jbox.client.local.LocalSandbox;
import dev.jbox.kernel.display.MimeBundle;
import dev.jbox.kernel.eval.EvalResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "%adopt", sortOptions = false,
        description = {"Takes over processes that dead kernels left and nobody adopted (see %%ps --orphans): they join",
                "this session (%%ps, %%logs, %%wait, %%kill, %%stdin, jobs()), under its crash policy, and die with it on a clean shutdown.",
                "A kernel adopts what a dead kernel of its own session left by itself; this is for the others.",
                "Example: %%adopt 20261202-093116-15657/p1    %%adopt p2    %%adopt --all"})
final class AdoptMagic extends MagicBase implements MagicCommand {

    @Option(names = "--all", description = "Every orphan.")
    boolean all;

    @Parameters(paramLabel = "ORPHAN", arity = "0..*", description = "INSTANCE/ID as %%ps --orphans shows it (or ID when unique).")
    List<String> refs = new ArrayList<>();

    @Override
    public EvalResult run(MagicContext ctx) {
        if (all == !refs.isEmpty()) throw MagicException.usage("%adopt: give orphans (INSTANCE/ID) or --all (not both); see %adopt --help");
        MagicSession s = ctx.session();
        LocalSandbox target = OrphanRefs.target(s, "%adopt");
        List<CommandHandle> adopted = new ArrayList<>();
        if (all) {
            adopted.addAll(target.adoptAll());
        } else {
            List<ProcessInfo> found = new ArrayList<>();
            for (String ref : refs) {
                ProcessInfo p = OrphanRefs.find(s, ref);
                if (p == null) throw MagicException.failed("%adopt: no orphan '" + ref + "' (see %ps --orphans)");
                found.add(p);
            }
            for (ProcessInfo p : found) adopted.add(target.adopt(p.adoptedFrom(), p.id()));
        }
        if (adopted.isEmpty()) return EvalResult.ok(MimeBundle.text("no orphans to adopt"));
        StringBuilder b = new StringBuilder();
        for (CommandHandle h : adopted) {
            ProcessInfo i = h.info();
            b.append("adopted ").append(i.id()).append(" (pid ").append(i.pid()).append(", ")
                    .append(i.state().name().toLowerCase(Locale.ROOT))
                    .append(i.exitCode() == null ? "" : ", exit code " + i.exitCode())
                    .append(") from ").append(i.adoptedFrom()).append(": ").append(ProcessTable.shorten(i.command(), 60)).append('\n');
        }
        return EvalResult.ok(MimeBundle.text(b.toString().stripTrailing()));
    }
}
