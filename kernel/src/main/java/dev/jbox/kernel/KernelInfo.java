package dev.jbox.kernel;

import java.util.List;
import java.util.Map;

/** The {@code kernel_info_reply} content: what this kernel is and which Java it runs. */
final class KernelInfo {

    static final String VERSION = "0.1.0";

    private KernelInfo() {
    }

    static Map<String, Object> content() {
        String java = System.getProperty("java.version");
        return Map.of(
                "status", "ok",
                "protocol_version", "5.3",
                "implementation", "jbox",
                "implementation_version", VERSION,
                "language_info", Map.of(
                        "name", "java",
                        "version", java,
                        "mimetype", "text/x-java-source",
                        "file_extension", ".jshell",
                        "pygments_lexer", "java",
                        "codemirror_mode", "java"),
                "banner", "jbox " + VERSION + " - Java " + java + " (JShell) with a process sandbox",
                "help_links", List.of(
                        Map.of("text", "Java API", "url", "https://docs.oracle.com/en/java/javase/" + Runtime.version().feature() + "/docs/api/"),
                        Map.of("text", "JShell guide", "url", "https://docs.oracle.com/en/java/javase/17/jshell/")),
                "debugger", false);
    }
}
