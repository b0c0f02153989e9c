package dev.jbox.kernel.magic;

import dev.jbox.client.CommandHandle;
import dev.jbox.client.RunOptions;
import dev.jbox.client.SandboxException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Helpers the command-running magics share. */
final class Commands {

    private Commands() {
    }

    /** The command of {@code %bg}/{@code %sh}: the verbatim tail of a line magic, or the body of a cell magic. */
    static String commandOf(MagicContext ctx, List<String> positionals, String magic) {
        String tail = ctx.rawTail(positionals);
        if (ctx.isCellMagic()) {
            if (!tail.isEmpty()) throw MagicException.usage("%" + magic + ": a cell magic takes the command from the cell body, not from '" + tail + "'");
            if (ctx.body().isBlank()) throw MagicException.usage("%" + magic + ": the cell body is empty: nothing to run");
            return ctx.body();
        }
        if (tail.isEmpty()) throw MagicException.usage(magic + ": no command given; see " + magic + " --help");
        return tail;
    }

    static RunOptions options(MagicSession s, Map<String, String> env, String cwd, Duration timeout) {
        try {
            RunOptions o = s.baseOptions().envs(env).timeout(timeout);
            return cwd == null ? o : o.cwd(cwd);
        } catch (IllegalArgumentException e) {
            throw MagicException.usage(e.getMessage());
        }
    }

    static CommandHandle start(MagicSession s, String cmd, RunOptions opts) {
        try {
            return s.sandbox().commands().start(cmd, opts);
        } catch (IllegalArgumentException e) {
            throw MagicException.usage(e.getMessage());
        } catch (SandboxException e) {
            throw MagicException.failed(e.getMessage());
        }
    }
}
