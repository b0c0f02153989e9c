package dev.jbox.kernel.magic;

import dev.jbox.kernel.deps.ResolutionException;
import dev.jbox.kernel.display.MimeBundle;
import dev.jbox.kernel.eval.EvalResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "%classpath", sortOptions = false,
        description = {"Adds jars, class directories and globs to the class path, or lists what was added.",
                "Relative paths start from the kernel's working directory.",
                "Example: %%classpath lib/*.jar build/classes"})
final class ClasspathMagic extends MagicBase implements MagicCommand {

    @Parameters(arity = "0..*", paramLabel = "PATH", description = "A jar, a class directory or a glob (lib/*.jar).")
    List<String> paths = new ArrayList<>();

    @Override
    public EvalResult run(MagicContext ctx) {
        if (paths.isEmpty()) return EvalResult.ok(MimeBundle.text(ctx.session().libraries().describeClassPath()));
        try {
            String added = ctx.session().libraries().addPaths(paths, Path.of("").toAbsolutePath(), "%classpath " + String.join(" ", paths));
            return EvalResult.ok(MimeBundle.text(added));
        } catch (ResolutionException e) {
            throw MagicException.failed("%classpath: " + e.getMessage());
        }
    }
}
