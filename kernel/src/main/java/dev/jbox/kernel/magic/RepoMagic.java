package dev.jbox.kernel.magic;

import dev.jbox.kernel.deps.ResolutionException;
import dev.jbox.kernel.display.MimeBundle;
import dev.jbox.kernel.eval.EvalResult;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "%repo", sortOptions = false,
        description = {"Adds a Maven repository for this session, or lists the repositories %%maven uses.",
                "Credentials come from a <server> with the same id in settings.xml. Example:",
                "  %%repo company https://repo.example.com/maven2 --snapshots"})
final class RepoMagic extends MagicBase implements MagicCommand {

    @Option(names = "--snapshots", description = "Also resolve SNAPSHOT versions from it (releases only by default).")
    boolean snapshots;

    @Parameters(arity = "0..2", paramLabel = "NAME URL", description = "Repository id and URL (http, https or file).")
    List<String> args = new ArrayList<>();

    @Override
    public EvalResult run(MagicContext ctx) {
        try {
            if (args.isEmpty()) return EvalResult.ok(MimeBundle.text(ctx.session().libraries().describeRepositories()));
            if (args.size() == 1) throw MagicException.usage("%repo: give a NAME and a URL, e.g. %repo company https://repo.example.com/maven2");
            return EvalResult.ok(MimeBundle.text(ctx.session().libraries().addRepository(args.get(0), args.get(1), snapshots)));
        } catch (ResolutionException e) {
            throw MagicException.failed("%repo: " + e.getMessage());
        }
    }
}
