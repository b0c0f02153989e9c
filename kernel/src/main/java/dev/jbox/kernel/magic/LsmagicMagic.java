package dev.jbox.kernel.magic;

import dev.jbox.kernel.display.MimeBundle;
import dev.jbox.kernel.eval.EvalResult;
import picocli.CommandLine.Command;

@Command(name = "%lsmagic", description = {"Lists the magics."})
final class LsmagicMagic extends MagicBase implements MagicCommand {

    @Override
    public EvalResult run(MagicContext ctx) {
        return EvalResult.ok(MimeBundle.text(Overview.text(ctx.session().registry())));
    }
}
