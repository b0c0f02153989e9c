package dev.jbox.kernel.magic;

import dev.jbox.client.CommandHandle;
import dev.jbox.client.Subscription;
import dev.jbox.kernel.eval.EvalResult;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "%sh", sortOptions = false,
        description = {"Runs CMD in the foreground, streaming its output; an interrupt kills its process tree.",
                "A non-zero exit code makes the cell fail unless --no-raise. '!CMD' is short for '%%sh CMD'.",
                "Example: %%sh curl -s localhost:8000 | head -5"})
final class ShMagic extends MagicBase implements MagicCommand {

    @Option(names = "--no-raise", description = "Show a non-zero exit code without failing the cell.")
    boolean noRaise;

    @Option(names = "--timeout", paramLabel = "D", description = "Kill the process tree after D.")
    Duration timeout;

    @Option(names = "--env", paramLabel = "K=V", description = "Environment variable for the command (repeatable).")
    Map<String, String> env = new LinkedHashMap<>();

    @Option(names = "--cwd", paramLabel = "DIR", description = "Working directory.")
    String cwd;

    @Parameters(paramLabel = "CMD", arity = "0..*", description = "The shell command (bash -c).")
    List<String> command;

    @Override
    public EvalResult run(MagicContext ctx) throws InterruptedException {
        String cmd = Commands.commandOf(ctx, command, "%sh");
        MagicSession s = ctx.session();
        CommandHandle h = Commands.start(s, cmd, Commands.options(s, env, cwd, timeout).tag("jbox:sh"));
        OutputPump pump = new OutputPump(h.id(), ctx.out(), s.limiterFor(ctx.out()), s::rateLimit, r -> { });
        s.ticker().add(pump);
        boolean[] killed = {false};
        try (Subscription ignored = h.subscribe(pump)) {
            Foreground.Outcome o = Foreground.await(s, List.of(h), null, () -> {
                killed[0] = true;
                h.kill();
            });
            if (o == Foreground.Outcome.INTERRUPTED) h.waitFor(Duration.ofSeconds(10));
            pump.awaitEnd(Duration.ofSeconds(5));
        }
        pump.flush();
        if (killed[0]) {
            return EvalResult.failed("Interrupted", "interrupted: killed the process tree of " + h.id() + " (pid " + h.pid() + ")",
                    List.of("Interrupted: killed the process tree of " + h.id() + " (pid " + h.pid() + ")"));
        }
        Integer exit = h.exitCode();
        String state = h.state().name().toLowerCase(java.util.Locale.ROOT);
        if (exit != null && exit == 0) return EvalResult.ok(null);
        String what = exit == null ? state : state + ", exit code " + exit;
        if (noRaise) {
            ctx.out().stream("stderr", "[" + h.id() + ": " + what + "]\n");
            return EvalResult.ok(null);
        }
        String msg = "command failed (" + what + "): " + ProcessTable.shorten(cmd, 80);
        return EvalResult.failed("ShellError", msg, List.of("ShellError: " + msg));
    }
}
