package dev.jbox.client.local;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the argv of a command. A command string runs as {@code bash -c COMMAND} (or {@code sh -c}). Every
 * command leads a session of its own (the {@link Supervisor} makes it one without another exec), so that its
 * whole process group can be signalled.
 *
 * <p>A command that uses no shell syntax at all is executed directly instead, without bash: that costs an exec,
 * more than starting most programs. So does a command given as an argv ({@link dev.jbox.client.RunOptions#argv}).
 *
 * <p>The rule, checked by {@link #plainWords}: every character is a letter, a digit, a blank or one of
 * {@code _ . / : = @ % + , -}; the first word is not a bash builtin or keyword (except {@code true},
 * {@code false}, and {@code echo} without options, whose programs behave the same), contains no {@code =}, is
 * not shadowed by an exported bash function, and is found as an executable file on the command's {@code PATH}
 * (where the supervisor's exec looks too) or, when it contains a {@code /}, relative to the working directory. Such a command means the same with and without bash: no quoting, expansion,
 * redirection or globbing can occur, and {@code bash -c} would itself exec the program in place. The
 * environment gets what bash would have set ({@code PWD}, {@code SHLVL}, {@code _}). Anything else,
 * including a program that is not found, goes through bash, so its messages and exit codes are bash's own.
 */
final class Shell {

    static final String SHELL = firstExecutable("/bin/bash", "/usr/bin/bash", "/usr/local/bin/bash", "/bin/sh");

    /** Builtins and keywords of bash (compgen -b -k): as a first word, they need bash. */
    private static final Set<String> BASH_WORDS = Set.of(
            ".", ":", "[", "alias", "bg", "bind", "break", "builtin", "caller", "cd", "command", "compgen",
            "complete", "compopt", "continue", "declare", "dirs", "disown", "echo", "enable", "eval", "exec", "exit",
            "export", "false", "fc", "fg", "getopts", "hash", "help", "history", "jobs", "kill", "let", "local",
            "logout", "mapfile", "popd", "printf", "pushd", "pwd", "read", "readarray", "readonly", "return", "set",
            "shift", "shopt", "source", "suspend", "test", "times", "trap", "true", "type", "typeset", "ulimit",
            "umask", "unalias", "unset", "wait",
            "if", "then", "else", "elif", "fi", "case", "esac", "for", "select", "while", "until", "do", "done",
            "in", "function", "time", "{", "}", "!", "[[", "]]", "coproc");

    /** Builtins whose program of the same name prints and exits the same, for the words {@link #plainWords} allows. */
    private static final Set<String> SAME_AS_PROGRAM = Set.of("true", "false", "echo");

    private Shell() {
    }

    /**
     * What to execute: the argv, and for a command string run without the shell its program as bash would have
     * found it (then {@link #bashEnvironment} applies), else null.
     */
    record Launch(List<String> argv, String plainProgram) {
    }

    /**
     * The argv of {@code command}, or of {@code programAndArgs} when given: {@code [bash, -c, command]}, or the
     * words of the command when it needs no shell.
     */
    static Launch launch(String command, List<String> programAndArgs, Map<String, String> env, Path cwd) {
        if (programAndArgs != null) return new Launch(List.copyOf(programAndArgs), null);
        Launch plain = plainLaunch(command, env, cwd);
        if (plain != null) return plain;
        List<String> argv = new ArrayList<>();
        argv.add(SHELL != null ? SHELL : "sh");
        argv.add("-c");
        argv.add(command);
        return new Launch(argv, null);
    }

    /**
     * The words of {@code command} if it can run without a shell under the rule in the class comment, else null.
     */
    static List<String> plainWords(String command, Map<String, String> env, Path cwd) {
        Launch plain = plainLaunch(command, env, cwd);
        return plain == null ? null : plain.argv();
    }

    /** The launch of {@code command} without a shell, or null when the rule in the class comment does not allow it. */
    private static Launch plainLaunch(String command, Map<String, String> env, Path cwd) {
        for (int i = 0; i < command.length(); i++) {
            if (!plain(command.charAt(i))) return null;
        }
        List<String> words = new ArrayList<>(Arrays.asList(command.trim().split("[ \t]+")));
        String program = words.get(0);
        if (program.isEmpty() || program.indexOf('=') >= 0) return null;
        if (BASH_WORDS.contains(program)) {
            if (!SAME_AS_PROGRAM.contains(program)) return null;
            if (program.equals("echo") && words.stream().skip(1).anyMatch(w -> w.startsWith("-"))) return null;
        }
        if (env.containsKey("BASH_FUNC_" + program + "%%")) return null;
        String found = resolve(program, env, cwd);
        if (found == null) return null;
        return new Launch(List.copyOf(words), found);
    }

    /** The environment bash gives a program it runs from {@code bash -c}: what a direct start must add. */
    static void bashEnvironment(Map<String, String> env, Path cwd, String program) {
        env.put("PWD", bashPwd(env.get("PWD"), cwd));
        // bash sets SHLVL to one more than it inherited (1 when unset), then back by one when it execs the command.
        if (!env.containsKey("SHLVL")) env.put("SHLVL", "0");
        env.put("_", program);
    }

    /**
     * The program file {@code word} names, spelled as bash spells it in {@code $_} (the PATH entry, a slash,
     * the word); null if bash would not find one.
     */
    static String resolve(String word, Map<String, String> env, Path cwd) {
        try {
            if (word.indexOf('/') >= 0) return isExecutable(cwd.resolve(word)) ? word : null;
            String path = env.get("PATH");
            if (path == null) return null; // bash would use its own default path: let bash do it
            for (String dir : path.split(":", -1)) {
                if (isExecutable(cwd.resolve(dir).resolve(word))) return dir.isEmpty() ? word : dir + "/" + word;
            }
            return null;
        } catch (InvalidPathException e) {
            return null;
        }
    }

    private static boolean isExecutable(Path p) {
        return Files.isRegularFile(p) && Files.isExecutable(p);
    }

    /** bash keeps an inherited PWD that names the working directory, else it uses the physical path. */
    private static String bashPwd(String inherited, Path cwd) {
        try {
            if (inherited != null && inherited.startsWith("/") && Files.isSameFile(Path.of(inherited), cwd)
                    && !inherited.contains("/./") && !inherited.contains("/../")) {
                return inherited;
            }
            return cwd.toRealPath().toString();
        } catch (Exception e) {
            return cwd.toAbsolutePath().toString();
        }
    }

    private static boolean plain(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == ' ' || c == '\t' || "_./:=@%+,-".indexOf(c) >= 0;
    }

    private static String firstExecutable(String... paths) {
        for (String p : paths) if (Files.isExecutable(Path.of(p))) return p;
        return null;
    }
}
