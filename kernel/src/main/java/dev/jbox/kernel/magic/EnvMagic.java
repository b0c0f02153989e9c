package dev.jbox.kernel.magic;

import dev.jbox.kernel.display.MimeBundle;
import dev.jbox.kernel.eval.EvalResult;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "%env", sortOptions = false,
        description = {"Shows or sets the environment new commands get (on top of the kernel's own).",
                "Example: %%env    %%env PORT    %%env PORT=8000"})
final class EnvMagic extends MagicBase implements MagicCommand {

    @Parameters(arity = "0..1", paramLabel = "K[=V]", description = "Show K, or set K to V.")
    String kv;

    @Override
    public EvalResult run(MagicContext ctx) {
        Map<String, String> env = ctx.session().env();
        if (kv == null) {
            StringBuilder b = new StringBuilder();
            synchronized (env) {
                env.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
            }
            return EvalResult.ok(MimeBundle.text(b.length() == 0 ? "no variables set with %env (commands get the kernel's environment)"
                    : b.toString().stripTrailing()));
        }
        int eq = kv.indexOf('=');
        if (eq < 0) {
            String v = env.containsKey(kv) ? env.get(kv) : System.getenv(kv);
            return EvalResult.ok(MimeBundle.text(v == null ? kv + " is not set" : v));
        }
        String key = kv.substring(0, eq);
        if (!key.matches("[A-Za-z_][A-Za-z0-9_]*")) throw MagicException.usage("%env: bad variable name '" + key + "'");
        String value = ctx.rawTail(List.of(kv)).substring(ctx.rawTail(List.of(kv)).indexOf('=') + 1);
        if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
            value = value.substring(1, value.length() - 1);
        }
        env.put(key, value);
        return EvalResult.ok(MimeBundle.text(key + "=" + value));
    }
}
