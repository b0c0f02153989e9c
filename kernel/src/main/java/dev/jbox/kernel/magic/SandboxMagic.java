package dev.jbox.kernel.magic;

import dev.jbox.client.ProcessInfo;
import dev.jbox.client.Sandbox;
import dev.jbox.client.SandboxException;
import dev.jbox.kernel.display.MimeBundle;
import dev.jbox.kernel.eval.EvalResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "%sandbox", sortOptions = false,
        description = {"Shows the session's sandbox, or switches it: to this machine, to a jbox agent (or any envd),",
                "to a new E2B-compatible cloud sandbox (E2B, Novita), or to a HopX sandbox.",
                "Switching away from a local sandbox kills its processes (add --force while some run);",
                "an agent keeps them, also across kernel restarts: %ps, %logs and %wait find them again.",
                "At startup the kernel reads JBOX_SANDBOX (local, an agent URL, e2b, e2b:ID, hopx or hopx:ID) and JBOX_SANDBOX_TOKEN(_FILE).",
                "Example: %%sandbox connect http://127.0.0.1:49983 --token-file ~/.jbox-token",
                "         %%sandbox e2b --template base --timeout 30m --keep    %%sandbox e2b --id i7x2k9q    %%sandbox local",
                "         %%sandbox hopx --template code-interpreter --timeout 1h    %%sandbox hopx --id 1761048129dsaqav4n"})
final class SandboxMagic extends MagicBase implements MagicCommand {

    @Parameters(paramLabel = "WHERE", arity = "0..2", description = "local | connect URL | e2b | hopx (nothing: show the current one).")
    List<String> where = new ArrayList<>();

    @Option(names = "--token", paramLabel = "T", description = "connect: the agent's access token (prefer --token-file: a cell's text is kept in history).")
    String token;

    @Option(names = "--token-file", paramLabel = "F", description = "connect: read the token from this file.")
    String tokenFile;

    @Option(names = "--template", paramLabel = "T", description = "e2b, hopx: the template to start (default base; hopx: code-interpreter).")
    String template;

    @Option(names = "--base-url", paramLabel = "U", description = "hopx: the control API (default HOPX_BASE_URL or https://api.hopx.dev).")
    String baseUrl;

    @Option(names = "--domain", paramLabel = "D", description = "e2b: the provider's domain (default E2B_DOMAIN or e2b.app; Novita: sandbox.novita.ai).")
    String domain;

    @Option(names = "--timeout", paramLabel = "DUR", description = "e2b, hopx: the provider ends the sandbox after this long (default 5m; hopx: 1h).")
    String timeout;

    @Option(names = "--keep", description = "e2b, hopx: leave the cloud sandbox running when the session ends or switches.")
    boolean keep;

    @Option(names = "--id", paramLabel = "ID", description = "e2b, hopx: connect to this running cloud sandbox instead of creating one (it is left running).")
    String id;

    @Option(names = "--force", description = "Switch even though processes of a local sandbox still run (they are killed).")
    boolean force;

    @Override
    public EvalResult run(MagicContext ctx) {
        if (where.isEmpty()) {
            if (token != null || tokenFile != null || template != null || domain != null || baseUrl != null || timeout != null || keep
                    || force || id != null) {
                throw MagicException.usage("%sandbox: options need a target: local, connect URL, e2b or hopx; see %sandbox --help");
            }
            return EvalResult.ok(MimeBundle.text(show(ctx.session())));
        }
        SandboxChoice next = choice(ctx.session());
        try {
            return EvalResult.ok(MimeBundle.text(ctx.session().switchTo(next, force)));
        } catch (SandboxException e) {
            throw MagicException.failed("%sandbox: " + e.getMessage() + " (still on " + current(ctx.session()) + ")");
        }
    }

    private SandboxChoice choice(MagicSession session) {
        String kind = where.get(0);
        boolean connectOptions = token != null || tokenFile != null;
        boolean cloudOptions = template != null || domain != null || baseUrl != null || timeout != null || keep || id != null;
        switch (kind) {
            case "local" -> {
                refuse(where.size() > 1, "%sandbox local takes no URL");
                refuse(connectOptions || cloudOptions,
                        "%sandbox local takes no --token, --token-file, --template, --domain, --base-url, --timeout, --keep or --id");
                return SandboxChoice.local();
            }
            case "connect" -> {
                refuse(where.size() < 2, "%sandbox connect needs the agent's URL, e.g. %sandbox connect http://127.0.0.1:49983 --token-file F");
                refuse(cloudOptions, "--template, --domain, --base-url, --timeout, --keep and --id are for %sandbox e2b and hopx");
                refuse(token != null && tokenFile != null, "give --token or --token-file, not both");
                try {
                    String t = SandboxChoice.token(token, tokenFile, "--token-file");
                    if (t == null) { // none given: the kernel's own setting, as at startup
                        Map<String, String> env = System.getenv();
                        t = SandboxChoice.token(env.get(SandboxChoice.ENV_TOKEN), env.get(SandboxChoice.ENV_TOKEN_FILE), SandboxChoice.ENV_TOKEN_FILE);
                    }
                    return SandboxChoice.connect(where.get(1), t);
                } catch (IllegalArgumentException e) {
                    throw MagicException.usage("%sandbox connect: " + e.getMessage());
                }
            }
            case "e2b" -> {
                refuse(where.size() > 1, "%sandbox e2b takes no URL (the provider's API creates the sandbox; see --domain)");
                refuse(connectOptions, "--token and --token-file are for %sandbox connect (e2b uses E2B_API_KEY)");
                refuse(baseUrl != null, "--base-url is for %sandbox hopx (e2b: --domain)");
                Duration d = duration("e2b");
                refuse(id != null && (template != null || keep), "--id connects to a running sandbox: --template and --keep are for a new one");
                return SandboxChoice.e2b(SandboxChoice.e2bOptions(session.e2bDefaults(), template, domain, d, keep, id));
            }
            case "hopx" -> {
                refuse(where.size() > 1, "%sandbox hopx takes no URL (HopX's control API creates the sandbox; see --base-url)");
                refuse(connectOptions, "--token and --token-file are for %sandbox connect (hopx uses HOPX_API_KEY)");
                refuse(domain != null, "--domain is for %sandbox e2b (hopx: --base-url)");
                Duration d = duration("hopx");
                refuse(id != null && (template != null || keep), "--id connects to a running sandbox: --template and --keep are for a new one");
                return SandboxChoice.hopx(SandboxChoice.hopxOptions(session.hopxDefaults(), template, baseUrl, d, keep, id));
            }
            default -> throw MagicException.usage("%sandbox: unknown target '" + kind + "': use local, connect URL, e2b or hopx");
        }
    }

    private Duration duration(String target) {
        if (timeout == null) return null;
        try {
            return Durations.parse(timeout);
        } catch (IllegalArgumentException e) {
            throw MagicException.usage("%sandbox " + target + ": --timeout: " + e.getMessage());
        }
    }

    private static void refuse(boolean bad, String message) {
        if (bad) throw MagicException.usage(message);
    }

    private static String current(MagicSession session) {
        SandboxChoice c = session.choice();
        return c == null ? "the current sandbox" : c.describe();
    }

    private static String show(MagicSession session) {
        Sandbox sb = session.sandbox();
        List<ProcessInfo> all = sb.commands().list();
        long running = all.stream().filter(p -> !p.state().isFinal()).count();
        SandboxChoice c = session.choice();
        String onEnd = c == null || c.killsOnClose() ? "killed when the session ends" : "kept running when the session ends";
        return "sandbox: " + sb.describe() + "\n"
                + "processes: " + running + " running, " + (all.size() - running) + " ended (" + onEnd + ")\n"
                + "output rate limit: " + rate(session.rateLimit()) + " per cell";
    }

    static String rate(long r) {
        return r == 0 ? "unlimited" : ByteSizes.format(r) + "/s";
    }
}
