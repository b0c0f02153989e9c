package dev.jbox.kernel.install;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** A kernelspec directory: kernel.json, the kernel jar and the logos. */
record Kernelspec(Path dir, Path java, List<String> jvmOptions, String displayName, boolean cds) {

    /** Default JVM options: the serial collector starts fastest and keeps an interactive process small. */
    static final List<String> DEFAULT_JVM_OPTIONS = List.of("-XX:+UseSerialGC");

    void write(Path jar) throws IOException {
        Files.createDirectories(dir);
        Path installedJar = dir.resolve("jbox.jar");
        Files.copy(jar, installedJar, StandardCopyOption.REPLACE_EXISTING);
        for (String logo : List.of("logo-32x32.png", "logo-64x64.png", "logo-svg.svg")) {
            try (InputStream in = Kernelspec.class.getResourceAsStream("/kernelspec/" + logo)) {
                if (in != null) Files.copy(in, dir.resolve(logo), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        List<String> argv = new ArrayList<>();
        argv.add(java.toString());
        argv.addAll(jvmOptions.isEmpty() ? DEFAULT_JVM_OPTIONS : jvmOptions);
        Path archive = dir.resolve("jbox.jsa");
        if (cds && ClassDataArchive.create(java, installedJar, archive)) {
            argv.add("-XX:SharedArchiveFile=" + archive);
            argv.add("-Xshare:auto"); // a stale archive (e.g. after a JDK update) is ignored, never fatal
        }
        argv.addAll(List.of("-jar", installedJar.toString(), "-f", "{connection_file}"));
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("argv", argv);
        spec.put("display_name", displayName);
        spec.put("language", "java");
        spec.put("interrupt_mode", "message");
        spec.put("env", Map.of());
        spec.put("metadata", Map.of("debugger", false));
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("kernel.json").toFile(), spec);
    }

    static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
