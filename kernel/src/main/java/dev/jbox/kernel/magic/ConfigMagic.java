package dev.jbox.kernel.magic;

import dev.jbox.client.CrashPolicy;
import dev.jbox.kernel.display.MimeBundle;
import dev.jbox.kernel.eval.EvalResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "%config", sortOptions = false,
        description = {"Shows or changes magic settings. The rate limit's default comes from JBOX_RATE_LIMIT, else 256K.",
                "--on-crash: what happens to local processes if the kernel dies without a clean shutdown: keep (they run on,",
                "and the kernel Jupyter starts in its place adopts them) or kill (within 2 s). Default: JBOX_ON_CRASH, else keep.",
                "Example: %%config --rate-limit 1M    %%config --rate-limit 0   (0 = unlimited)    %%config --on-crash kill"})
final class ConfigMagic extends MagicBase implements MagicCommand {

    @Option(names = "--rate-limit", paramLabel = "SIZE", description = "Bytes per second of process output shown per cell (256K, 1M, 0).")
    String rateLimit;

    @Option(names = "--on-crash", paramLabel = "POLICY", description = "keep or kill: local processes when the kernel dies without a clean shutdown.")
    String onCrash;

    @Override
    public EvalResult run(MagicContext ctx) {
        long rate = ctx.session().rateLimit();
        CrashPolicy policy = ctx.session().crashPolicy();
        try {
            if (rateLimit != null) rate = ByteSizes.parse(rateLimit);
            if (onCrash != null) policy = CrashPolicy.parse(onCrash);
        } catch (IllegalArgumentException e) {
            throw MagicException.usage("%config: " + e.getMessage());
        }
        ctx.session().rateLimit(rate);
        ctx.session().crashPolicy(policy);
        return EvalResult.ok(MimeBundle.text("rate-limit = " + SandboxMagic.rate(rate) + " per cell\non-crash = " + policy));
    }
}
