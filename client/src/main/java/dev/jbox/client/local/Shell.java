package dev.jbox.client.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds the argv of a command: its own session via {@code setsid}, then {@code bash -c} (or {@code sh -c}). */
final class Shell {

    static final String SETSID = firstExecutable("/usr/bin/setsid", "/bin/setsid");
    static final String SHELL = firstExecutable("/bin/bash", "/usr/bin/bash", "/usr/local/bin/bash", "/bin/sh");

    private Shell() {
    }

    /** {@code [setsid, bash, -c, command]}, or {@code [setsid, argv...]} when a program is given directly. */
    static List<String> argv(String command, List<String> programAndArgs) {
        List<String> argv = new ArrayList<>();
        // Without setsid the tree is still found through the process's descendants, only less reliably.
        if (SETSID != null) argv.add(SETSID);
        if (programAndArgs != null) {
            argv.addAll(programAndArgs);
        } else {
            argv.add(SHELL != null ? SHELL : "sh");
            argv.add("-c");
            argv.add(command);
        }
        return argv;
    }

    private static String firstExecutable(String... paths) {
        for (String p : paths) if (Files.isExecutable(Path.of(p))) return p;
        return null;
    }
}
