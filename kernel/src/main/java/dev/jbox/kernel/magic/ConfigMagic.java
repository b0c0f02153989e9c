package dev.jbox.kernel.magic;

import dev.jbox.kernel.display.MimeBundle;
import dev.jbox.kernel.eval.EvalResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "%config", sortOptions = false,
        description = {"Shows or changes magic settings. The rate limit's default comes from JBOX_RATE_LIMIT, else 256K.",
                "Example: %%config --rate-limit 1M    %%config --rate-limit 0   (0 = unlimited)"})
final class ConfigMagic extends MagicBase implements MagicCommand {

    @Option(names = "--rate-limit", paramLabel = "SIZE", description = "Bytes per second of process output shown per cell (256K, 1M, 0).")
    String rateLimit;

    @Override
    public EvalResult run(MagicContext ctx) {
        if (rateLimit != null) {
            try {
                ctx.session().rateLimit(ByteSizes.parse(rateLimit));
            } catch (IllegalArgumentException e) {
                throw MagicException.usage("%config: " + e.getMessage());
            }
        }
        return EvalResult.ok(MimeBundle.text("rate-limit = " + SandboxMagic.rate(ctx.session().rateLimit()) + " per cell"));
    }
}
