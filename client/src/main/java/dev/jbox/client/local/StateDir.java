package dev.jbox.client.local;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbox.client.SandboxException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The state directory of one local sandbox instance: {@code ROOT/sandboxes/KEY/INSTANCE/}, holding the records,
 * logs, stdin FIFOs and exit files of its commands, and the {@code lock} file (see {@link StateLocks}). KEY
 * names the session across restarts (a kernel's is {@code kernel-<id>}: the replacement kernel Jupyter starts
 * has the same); INSTANCE is one sandbox's life, {@code yyyyMMdd-HHmmss-PID}.
 */
final class StateDir {

    /** Where state lives unless told otherwise: {@code $JBOX_STATE_DIR}, else {@code $XDG_DATA_HOME/jbox}, else {@code ~/.local/share/jbox}. */
    static Path defaultRoot(Map<String, String> env) {
        String explicit = env.get("JBOX_STATE_DIR");
        if (explicit != null && !explicit.isBlank()) return Path.of(explicit);
        String xdg = env.get("XDG_DATA_HOME");
        if (xdg != null && !xdg.isBlank()) return Path.of(xdg, "jbox");
        return Path.of(System.getProperty("user.home"), ".local", "share", "jbox");
    }

    static final String ANONYMOUS = "anonymous";
    /** Jackson is loaded on first use, not when a sandbox opens. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }
    private static final java.nio.file.attribute.FileAttribute<?> PRIVATE =
            java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final Path root;
    private final Path dir;
    private final String key;
    private final Path lockFile;

    private StateDir(Path root, Path dir, String key) {
        this.root = root;
        this.dir = dir;
        this.key = key;
        this.lockFile = dir.resolve("lock");
    }

    static Path sandboxes(Path root) {
        return root.resolve("sandboxes");
    }

    /** A new instance directory for {@code key}, owned (locked) by this JVM until {@link #release()}. */
    static StateDir create(Path root, String key) {
        String k = key == null ? ANONYMOUS : safeKey(key);
        Path keyDir = sandboxes(root).resolve(k);
        String name = NAME_TIME.format(Instant.now()) + "-" + ProcessHandle.current().pid();
        try {
            Path base = sandboxes(root);
            if (!Files.isDirectory(base)) {
                // Logs, commands and their environment are the user's business: nobody else may read them.
                Files.createDirectories(root);
                try {
                    Files.createDirectory(base, PRIVATE);
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    // created meanwhile by another sandbox
                }
            }
            Files.createDirectories(keyDir);
            for (int i = 0; ; i++) {
                Path dir = keyDir.resolve(i == 0 ? name : name + "-" + i);
                try {
                    Files.createDirectory(dir, PRIVATE);
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    continue;
                }
                StateDir s = new StateDir(root, dir, k);
                if (!StateLocks.tryLock(s.lockFile, 0)) throw new SandboxException("cannot lock the new state directory " + dir);
                return s;
            }
        } catch (IOException e) {
            throw new SandboxException("cannot create state directory under " + keyDir + ": " + e.getMessage(), e);
        }
    }

    /** An existing instance directory (for reading it or adopting from it). */
    static StateDir existing(Path dir) {
        return new StateDir(dir.getParent().getParent().getParent(), dir, dir.getParent().getFileName().toString());
    }

    /** Instance directories of {@code key} (all keys if null) whose sandbox is gone: nobody holds their byte 0. */
    static List<StateDir> dead(Path root, String key) {
        List<StateDir> out = new ArrayList<>();
        Path base = sandboxes(root);
        if (!Files.isDirectory(base)) return out;
        List<Path> keyDirs = new ArrayList<>();
        if (key != null) {
            keyDirs.add(base.resolve(safeKey(key)));
        } else {
            keyDirs.addAll(list(base));
        }
        for (Path keyDir : keyDirs) {
            for (Path d : list(keyDir)) {
                if (!Files.isDirectory(d) || !Files.exists(d.resolve("lock"))) continue;
                StateDir s = existing(d);
                if (StateLocks.isFree(s.lockFile, 0)) out.add(s);
            }
        }
        out.sort(Comparator.comparing(s -> s.dir.getFileName().toString()));
        return out;
    }

    /** Every instance directory under {@code root}, alive or dead. */
    static List<StateDir> all(Path root) {
        List<StateDir> out = new ArrayList<>();
        for (Path keyDir : list(sandboxes(root))) {
            for (Path d : list(keyDir)) {
                if (Files.isDirectory(d) && Files.exists(d.resolve("lock"))) out.add(existing(d));
            }
        }
        out.sort(Comparator.comparing(s -> s.dir.getFileName().toString()));
        return out;
    }

    /** Letters, digits and {@code . _ -}; anything else becomes {@code _}. */
    static String safeKey(String key) {
        String k = key.replaceAll("[^A-Za-z0-9._-]", "_");
        return k.isEmpty() || k.startsWith(".") ? "_" + k : k;
    }

    Path root() {
        return root;
    }

    Path dir() {
        return dir;
    }

    String key() {
        return key;
    }

    boolean anonymous() {
        return key.equals(ANONYMOUS);
    }

    /** {@code KEY/INSTANCE}: how a session is named to users ({@code adoptedFrom}, {@code %ps --orphans}). */
    String sessionName() {
        return key + "/" + dir.getFileName();
    }

    Path file(ProcessRecord r, String suffix) {
        return dir.resolve(r.base() + suffix);
    }

    Path lockFile() {
        return lockFile;
    }

    /** The highest command number used here so far (0 for a new directory). */
    int lastSeq() {
        int max = 0;
        for (Path p : list(dir)) {
            String n = p.getFileName().toString();
            int dash = n.indexOf('-');
            if (dash > 0 && n.endsWith(".json")) {
                try {
                    max = Math.max(max, Integer.parseInt(n.substring(0, dash)));
                } catch (NumberFormatException ignored) {
                    // not one of ours
                }
            }
        }
        return max;
    }

    /** Writes {@code r} atomically (temporary file, then rename). */
    void write(ProcessRecord r) {
        Path target = file(r, ".json");
        Path tmp = dir.resolve("." + r.base() + ".json.tmp");
        try {
            Files.write(tmp, toJson(r));
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (NoSuchFileException e) {
            // the directory was removed (an anonymous sandbox closing): nothing left to record
        } catch (IOException e) {
            throw new SandboxException("cannot write record " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * A record as JSON, written field by field with Jackson's streaming API: the object mapping of a record class
     * costs 30-50 ms on its first use, which was most of a session's first command start. Nulls are left out, as
     * {@link ProcessRecord}'s mapping does; reading uses the mapping, and a test checks both give the same JSON.
     */
    static byte[] toJson(ProcessRecord r) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(512);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("seq", r.seq());
            stringField(g, "id", r.id());
            stringField(g, "name", r.name());
            stringField(g, "command", r.command());
            if (r.argv() != null) {
                g.writeArrayFieldStart("argv");
                for (String a : r.argv()) g.writeString(a);
                g.writeEndArray();
            }
            stringField(g, "cwd", r.cwd());
            if (r.env() != null) {
                g.writeObjectFieldStart("env");
                for (Map.Entry<String, String> e : r.env().entrySet()) stringField(g, e.getKey(), e.getValue());
                g.writeEndObject();
            }
            stringField(g, "tag", r.tag());
            if (r.timeoutMs() != null) g.writeNumberField("timeoutMs", r.timeoutMs());
            g.writeBooleanField("stdin", r.stdin());
            stringField(g, "startedAt", r.startedAt());
            stringField(g, "cookie", r.cookie());
            g.writeNumberField("pid", r.pid());
            g.writeNumberField("logCap", r.logCap());
            g.writeNumberField("killGraceMs", r.killGraceMs());
            stringField(g, "state", r.state());
            if (r.exitCode() != null) g.writeNumberField("exitCode", r.exitCode());
            stringField(g, "endedAt", r.endedAt());
            stringField(g, "error", r.error());
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    private static void stringField(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) g.writeStringField(name, value);
    }

    /** Loads and warms Jackson's writing of records (on a background thread, so that the first command does not). */
    static void warmUp() {
        try {
            toJson(new ProcessRecord(0, "warm", null, "", List.of(), "", Map.of(), null, null, false,
                    null, "", -1, 0, 0, "RUNNING", null, null, null));
        } catch (IOException e) {
            // only a warm-up
        }
    }

    /** Every readable record, by command number. */
    List<ProcessRecord> records() {
        List<ProcessRecord> out = new ArrayList<>();
        for (Path p : list(dir)) {
            String n = p.getFileName().toString();
            if (!n.endsWith(".json") || n.startsWith(".")) continue;
            try {
                ProcessRecord r = Json.MAPPER.readValue(p.toFile(), ProcessRecord.class);
                out.add(r.pid() > 0 || r.processState().isFinal() ? r : r.withPid(supervisorPid(r)));
            } catch (IOException e) {
                // removed meanwhile, or not ours
            }
        }
        out.sort(Comparator.comparingInt(ProcessRecord::seq));
        return out;
    }

    /** How the supervisor saw the command end ({@code .exit}), or null while it runs (or if nobody recorded it). */
    ExitStatus exitStatus(ProcessRecord r) {
        Path f = file(r, ".exit");
        try {
            String[] parts = Files.readString(f, StandardCharsets.UTF_8).strip().split(" ");
            FileTime at = Files.getLastModifiedTime(f);
            return new ExitStatus(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), parts.length > 2 ? parts[2] : "exited",
                    at.toInstant());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The pid that the supervisor wrote right after forking the command of {@code r} ({@code -1} if none): the record
     * has it only once the JVM wrote it again, and a JVM that died right after the start did not.
     */
    private long supervisorPid(ProcessRecord r) {
        try {
            return Long.parseLong(Files.readString(file(r, ".pid"), StandardCharsets.UTF_8).strip());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The end of a command as its supervisor wrote it: exit code, signal (0 if none), why, and when. */
    record ExitStatus(int code, int signal, String reason, Instant at) {
    }

    /** Deletes a command's files. */
    void delete(ProcessRecord r) {
        for (String s : new String[] {".out", ".err", ".in", ".exit", ".pid", ".json"}) {
            try {
                Files.deleteIfExists(file(r, s));
            } catch (IOException e) {
                // best effort: retention tries again next time
            }
        }
    }

    /** Drops this JVM's locks on the directory. */
    void release() {
        StateLocks.releaseAll(lockFile);
    }

    /** Removes the whole directory (an anonymous sandbox that closed). */
    void deleteAll() {
        release();
        deleteTree(dir);
        try {
            Files.deleteIfExists(dir.getParent()); // the key's directory, once empty
        } catch (IOException e) {
            // not empty: other instances of the key
        }
    }

    static void deleteTree(Path d) {
        try (Stream<Path> paths = Files.walk(d)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }

    static List<Path> list(Path d) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(d)) {
            for (Path p : s) out.add(p);
        } catch (IOException e) {
            // gone or unreadable: nothing there for us
        }
        return out;
    }

    @Override
    public String toString() {
        return dir.toString();
    }
}
