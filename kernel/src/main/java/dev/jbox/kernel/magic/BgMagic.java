package dev.jbox.kernel.magic;

import dev.jbox.client.CommandHandle;
import dev.jbox.client.ProcessInfo;
import dev.jbox.client.RunOptions;
import dev.jbox.client.SandboxException;
import dev.jbox.client.Subscription;
import dev.jbox.kernel.eval.EvalResult;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "%bg", sortOptions = false,
        description = {"Starts CMD in the background and returns at once; its output streams into this cell.",
                "Example: %%bg --name web --timeout 1h --env PORT=8000 python3 -m http.server 8000"})
final class BgMagic extends MagicBase implements MagicCommand {

    @Option(names = "--name", paramLabel = "N", description = "Id of the process (unique among running ones); default p1, p2, ...")
    String name;

    @Option(names = "--timeout", paramLabel = "D", description = "Kill the process tree after D (30s, 10m, 2h, 1h30m).")
    Duration timeout;

    @Option(names = "--env", paramLabel = "K=V", description = "Environment variable for the command (repeatable).")
    Map<String, String> env = new LinkedHashMap<>();

    @Option(names = "--cwd", paramLabel = "DIR", description = "Working directory.")
    String cwd;

    @Option(names = "--stdin", description = "Keep stdin open for %%stdin.")
    boolean stdin;

    @Parameters(paramLabel = "CMD", arity = "0..*", description = "The shell command (bash -c).")
    List<String> command;

    @Override
    public EvalResult run(MagicContext ctx) {
        String cmd = Commands.commandOf(ctx, command, "%bg");
        MagicSession s = ctx.session();
        if (name != null) {
            for (ProcessInfo p : s.sandbox().commands().list()) {
                if (!p.state().isFinal() && (name.equals(p.id()) || name.equals(p.name()))) {
                    throw MagicException.failed("a running process is already named '" + name + "' (" + p.id() + ", pid " + p.pid() + ")");
                }
            }
        }
        RunOptions opts = Commands.options(s, env, cwd, timeout).name(name).stdin(stdin).tag("jbox:bg");
        CommandHandle h = Commands.start(s, cmd, opts);
        start(s, h, ctx);
        return EvalResult.ok(null);
    }

    /** Shows the panel and connects the output to the cell; the process's exit refreshes the panel once more. */
    static void start(MagicSession s, CommandHandle h, MagicContext ctx) {
        StatusPanel panel = new StatusPanel(h, "jbox-" + h.id() + "-" + UUID.randomUUID().toString().substring(0, 8), ctx.out(), s::current);
        panel.show();
        OutputPump pump = new OutputPump(h.id(), ctx.out(), s.limiterFor(ctx.out()), s::rateLimit, r -> panel.finish());
        Subscription sub;
        try {
            sub = h.subscribe(pump);
        } catch (SandboxException e) {
            throw MagicException.failed("%bg: cannot follow the output of " + h.id() + ": " + e.getMessage());
        }
        s.addJob(new BackgroundJob(h, pump, panel, sub));
        s.ticker().add(pump);
        s.ticker().add(panel);
    }
}
