package dev.jbox.kernel.magic;

import dev.jbox.kernel.deps.Coordinates;
import dev.jbox.kernel.deps.DependencyList;
import dev.jbox.kernel.deps.Requested;
import dev.jbox.kernel.eval.EvalResult;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "%maven", sortOptions = false,
        description = {"Adds Maven artifacts and their runtime dependencies to the class path.",
                "The next Java line and later cells can use them. Resolution: Maven Resolver with ~/.m2/settings.xml.",
                "A version other than the one already on the class path is refused: restart to change versions.",
                "Example: %%maven com.google.code.gson:gson:2.11.0 org.knowm.xchart:xchart:3.8.8",
                "%%%%maven: the cell body lists coordinates (one per line) or <dependency> elements from a POM."})
final class MavenMagic extends MagicBase implements MagicCommand {

    @Parameters(arity = "0..*", paramLabel = "G:A[:ext[:classifier]]:V", description = "Artifacts, e.g. com.google.code.gson:gson:2.11.0.")
    List<String> coordinates = new ArrayList<>();

    @Override
    public EvalResult run(MagicContext ctx) throws InterruptedException {
        String magic = ctx.isCellMagic() ? "%%maven" : "%maven";
        List<Requested> requested = new ArrayList<>();
        try {
            for (String c : coordinates) requested.add(Requested.of(Coordinates.parse(c)));
            if (ctx.isCellMagic()) requested.addAll(DependencyList.parse(ctx.body()));
        } catch (IllegalArgumentException e) {
            throw MagicException.usage(magic + ": " + e.getMessage());
        }
        if (requested.isEmpty()) {
            throw MagicException.usage(magic + ": no artifacts given: expected " + Coordinates.FORM);
        }
        String origin = magic + " " + String.join(" ", requested.stream().map(r -> r.coordinates().toString()).toList());
        return LibraryAdd.run(ctx, magic, requested, origin);
    }
}
