package dev.jbox.kernel.magic;

import dev.jbox.client.ProcessInfo;
import dev.jbox.client.Sandbox;
import dev.jbox.kernel.display.MimeBundle;
import dev.jbox.kernel.eval.EvalResult;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "%sandbox", description = {"Shows the session's sandbox: backend, working directory, process counts."})
final class SandboxMagic extends MagicBase implements MagicCommand {

    @Override
    public EvalResult run(MagicContext ctx) {
        Sandbox sb = ctx.session().sandbox();
        List<ProcessInfo> all = sb.commands().list();
        long running = all.stream().filter(p -> !p.state().isFinal()).count();
        String text = "sandbox: " + sb.describe() + "\n"
                + "working directory: " + System.getProperty("user.dir") + "\n"
                + "processes: " + running + " running, " + (all.size() - running) + " ended\n"
                + "output rate limit: " + rate(ctx.session().rateLimit()) + " per cell";
        return EvalResult.ok(MimeBundle.text(text));
    }

    static String rate(long r) {
        return r == 0 ? "unlimited" : ByteSizes.format(r) + "/s";
    }
}
