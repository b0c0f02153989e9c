package dev.jbox.kernel.magic;

import dev.jbox.kernel.display.MimeBundle;
import dev.jbox.kernel.eval.EvalResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "%help", description = {"Explains a magic (same as %%NAME? or %%NAME --help), or lists them all."})
final class HelpMagic extends MagicBase implements MagicCommand {

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "A magic name, with or without %%.")
    String name;

    @Override
    public EvalResult run(MagicContext ctx) {
        MagicRegistry r = ctx.session().registry();
        if (name == null) return EvalResult.ok(MimeBundle.text(Overview.text(r)));
        String n = name.replaceFirst("^%+", "");
        return EvalResult.ok(MimeBundle.text(r.help(n)));
    }
}
