package dev.jbox.kernel.magic;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The known magics: parses their arguments with picocli (so {@code --help}, option errors and suggestions come
 * from one place) and renders their help.
 */
final class MagicRegistry {

    /**
     * One magic. {@code cellForm}: {@code %%name} is allowed; {@code commandTail}: parsing stops at the first
     * positional word, the rest being a shell command taken verbatim.
     */
    record Spec(String name, boolean cellForm, boolean commandTail, Supplier<MagicCommand> factory) {
    }

    /** A magic ready to run, or (when {@code help} is set) a request for its help text. */
    record Parsed(String name, MagicCommand command, String help, String rawArgs, List<ArgTokenizer.Token> tokens, String body) {
    }

    private final Map<String, Spec> specs = new LinkedHashMap<>();

    static MagicRegistry standard() {
        MagicRegistry r = new MagicRegistry();
        r.add(new Spec("bg", true, true, BgMagic::new));
        r.add(new Spec("sh", true, true, ShMagic::new));
        r.add(new Spec("ps", false, false, PsMagic::new));
        r.add(new Spec("kill", false, false, KillMagic::new));
        r.add(new Spec("logs", false, false, LogsMagic::new));
        r.add(new Spec("wait", false, false, WaitMagic::new));
        r.add(new Spec("stdin", false, false, StdinMagic::new));
        r.add(new Spec("adopt", false, false, AdoptMagic::new));
        r.add(new Spec("env", false, false, EnvMagic::new));
        r.add(new Spec("sandbox", false, false, SandboxMagic::new));
        r.add(new Spec("maven", true, false, MavenMagic::new));
        r.add(new Spec("classpath", false, false, ClasspathMagic::new));
        r.add(new Spec("repo", false, false, RepoMagic::new));
        r.add(new Spec("config", false, false, ConfigMagic::new));
        r.add(new Spec("lsmagic", false, false, LsmagicMagic::new));
        r.add(new Spec("help", false, false, HelpMagic::new));
        return r;
    }

    void add(Spec spec) {
        specs.put(spec.name(), spec);
    }

    Set<String> names() {
        return specs.keySet();
    }

    Spec spec(String name) {
        return specs.get(name);
    }

    /** Parses one magic use; throws a one-line {@link MagicException} for unknown names and bad options. */
    Parsed parse(String name, String args, String body, boolean helpAsked) {
        String shown = (body != null ? "%%" : "%") + name;
        Spec spec = specs.get(name);
        if (spec == null) throw MagicException.usage("unknown magic " + shown + suggestion(name));
        if (body != null && !spec.cellForm()) {
            throw MagicException.usage("%" + name + " is a line magic, not a cell magic: write %" + name + " on a line");
        }
        if (helpAsked) return new Parsed(name, null, help(name), args, List.of(), body);
        List<ArgTokenizer.Token> tokens;
        try {
            tokens = ArgTokenizer.tokenize(args);
        } catch (IllegalArgumentException e) {
            throw MagicException.usage(shown + ": " + e.getMessage());
        }
        MagicCommand command = spec.factory().get();
        CommandLine cl = commandLine(spec, command);
        try {
            cl.parseArgs(tokens.stream().map(ArgTokenizer.Token::text).toArray(String[]::new));
        } catch (CommandLine.UnmatchedArgumentException e) {
            List<String> s = e.getUnmatched().isEmpty() || !e.getUnmatched().get(0).startsWith("-") ? List.of()
                    : EditDistance.closest(e.getUnmatched().get(0).replaceFirst("=.*", ""), options(name));
            throw MagicException.usage(shown + ": " + firstLine(e.getMessage())
                    + (s.isEmpty() ? "" : " (did you mean " + String.join(", ", s.subList(0, Math.min(3, s.size()))) + "?)")
                    + "; see %" + name + " --help");
        } catch (CommandLine.ParameterException e) {
            throw MagicException.usage(shown + ": " + firstLine(e.getMessage()) + "; see %" + name + " --help");
        }
        if (cl.isUsageHelpRequested()) return new Parsed(name, null, help(name), args, tokens, body);
        return new Parsed(name, command, null, args, tokens, body);
    }

    /** The usage text of a magic, as {@code --help} prints it. */
    String help(String name) {
        Spec spec = specs.get(name);
        if (spec == null) throw MagicException.usage("unknown magic %" + name + suggestion(name));
        String usage = commandLine(spec, spec.factory().get()).getUsageMessage(CommandLine.Help.Ansi.OFF);
        return spec.cellForm() ? usage + "Also as a cell magic: %%" + name + " [OPTIONS] on the first line, the cell body is its input.\n" : usage;
    }

    /** The first line of a magic's description. */
    String summary(String name) {
        String[] d = commandLine(specs.get(name), specs.get(name).factory().get()).getCommandSpec().usageMessage().description();
        return d.length == 0 ? "" : d[0].replace("%%", "%");
    }

    /** Long option names of a magic, e.g. {@code --name}. */
    List<String> options(String name) {
        Spec spec = specs.get(name);
        if (spec == null) return List.of();
        List<String> out = new ArrayList<>();
        for (OptionSpec o : commandLine(spec, spec.factory().get()).getCommandSpec().options()) {
            out.addAll(Arrays.stream(o.names()).filter(n -> n.startsWith("--")).toList());
        }
        return out;
    }

    private String suggestion(String name) {
        List<String> close = EditDistance.closest(name, specs.keySet());
        return close.isEmpty() ? " (see %lsmagic)" : " (did you mean " + String.join(", ", close.stream().map(n -> "%" + n).toList()) + "?)";
    }

    private static CommandLine commandLine(Spec spec, MagicCommand command) {
        CommandLine cl = new CommandLine(command);
        cl.setStopAtPositional(spec.commandTail());
        cl.registerConverter(Duration.class, text -> {
            try {
                return Durations.parse(text);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        });
        cl.setUsageHelpWidth(100);
        return cl;
    }

    private static String firstLine(String s) {
        if (s == null) return "bad arguments";
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
