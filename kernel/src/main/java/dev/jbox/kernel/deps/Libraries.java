package dev.jbox.kernel.deps;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The libraries of one kernel session: what was added to the class path (in order, with where each entry came
 * from), the artifact versions that are now fixed, and the repositories added with {@code %repo}.
 *
 * <p>Adding is two steps so that a resolution can be interrupted without a trace: {@link #plan} resolves and
 * decides (on any thread, changing nothing), {@link #apply} puts the result on the class path. One rule holds
 * throughout: one artifact, one version. A requested version that differs from the one on the class path is
 * refused; a dependency that asks for another version gets the one on the class path, and the cell says so.
 *
 * <pre>{@code
 * Libraries libs = new Libraries(evaluator::addToClassPath, System.getenv());
 * Libraries.Plan p = libs.plan(List.of(Requested.of(Coordinates.parse("com.google.code.gson:gson:2.11.0"))), "%maven ...", new TransferProgress());
 * String summary = libs.apply(p);   // "added com.google.code.gson:gson:2.11.0 (1 jar)"
 * }</pre>
 */
public final class Libraries implements AutoCloseable {

    private static final Pattern REPO_NAME = Pattern.compile("[A-Za-z0-9._\\-]+");

    /** One class path entry and what added it. */
    public record Entry(Path path, String origin, Coordinates coordinates) {
    }

    /**
     * What a resolution found, ready to {@link #apply}: the new artifacts in class path order, the requested ones
     * that were already there, and notes about versions held to the class path's.
     */
    public record Plan(List<Coordinates> requested, List<ResolvedArtifact> added, List<Coordinates> alreadyThere,
                       int dependenciesAlreadyThere, List<String> notes, String origin) {
    }

    private final Consumer<List<Path>> classPath;
    private final Map<String, String> env;
    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, Pinned> pinned = new LinkedHashMap<>();
    private final Map<String, SessionRepository> repositories = new LinkedHashMap<>();
    private MavenResolver resolver;

    /** {@code classPath} receives new entries (the evaluator's {@code addToClassPath}); {@code env} is read for settings. */
    public Libraries(Consumer<List<Path>> classPath, Map<String, String> env) {
        this.classPath = classPath;
        this.env = Map.copyOf(env);
    }

    /**
     * Resolves {@code requested} and decides what is new, changing nothing. Throws a {@link ResolutionException}
     * (one line) for a version conflict with the class path, an unknown artifact, an unreachable repository, a
     * checksum mismatch, or an interrupt ({@link TransferProgress#cancel()}).
     */
    public Plan plan(List<Requested> requested, String origin, TransferProgress progress) {
        Map<String, Pinned> fixed;
        List<SessionRepository> repos;
        synchronized (this) {
            fixed = Map.copyOf(pinned);
            repos = List.copyOf(repositories.values());
        }
        List<Coordinates> asked = new ArrayList<>();
        List<Coordinates> already = new ArrayList<>();
        List<Requested> roots = new ArrayList<>();
        for (Requested r : requested) {
            Coordinates c = r.coordinates();
            asked.add(c);
            Pinned p = fixed.get(c.key());
            if (p == null) {
                roots.add(r);
            } else if (p.coordinates().version().equals(c.version())) {
                already.add(c);
            } else {
                throw conflict(c, p);
            }
        }
        if (roots.isEmpty()) {
            return new Plan(asked, List.of(), already, 0, List.of(), origin);
        }
        Resolution resolution = resolver().resolve(roots, fixed, repos, progress);
        List<ResolvedArtifact> added = new ArrayList<>();
        int dependenciesThere = 0;
        Set<String> seen = new LinkedHashSet<>();
        for (ResolvedArtifact a : resolution.artifacts()) {
            Coordinates c = a.coordinates();
            Pinned p = fixed.get(c.key());
            if (p != null && !p.coordinates().version().equals(c.version())) {
                throw conflict(c, p); // management holds versions to the class path's, so this is a safety net
            }
            if (p != null) {
                dependenciesThere++;
            } else if (seen.add(c.key())) {
                added.add(a);
            }
        }
        return new Plan(asked, added, already, dependenciesThere, resolution.notes(), origin);
    }

    /** Puts what {@code plan} found on the class path; returns what the cell says. */
    public synchronized String apply(Plan plan) {
        List<ResolvedArtifact> fresh = new ArrayList<>();
        for (ResolvedArtifact a : plan.added()) {
            Pinned p = pinned.get(a.coordinates().key());
            if (p != null && !p.coordinates().version().equals(a.coordinates().version())) {
                throw conflict(a.coordinates(), p); // another cell added it meanwhile
            }
            if (p == null) {
                fresh.add(a);
            }
        }
        if (!fresh.isEmpty()) {
            classPath.accept(fresh.stream().map(ResolvedArtifact::file).toList());
            for (ResolvedArtifact a : fresh) {
                entries.add(new Entry(a.file(), plan.origin(), a.coordinates()));
                pinned.put(a.coordinates().key(), new Pinned(a.coordinates(), plan.origin()));
            }
        }
        return summary(plan, fresh);
    }

    private static String summary(Plan plan, List<ResolvedArtifact> fresh) {
        StringBuilder b = new StringBuilder();
        Set<String> requestedKeys = new LinkedHashSet<>();
        plan.requested().forEach(c -> requestedKeys.add(c.key()));
        List<String> roots = fresh.stream().map(ResolvedArtifact::coordinates).filter(c -> requestedKeys.contains(c.key()))
                .map(Coordinates::toString).toList();
        long dependencies = fresh.size() - roots.size();
        if (!fresh.isEmpty()) {
            b.append("added ").append(roots.isEmpty() ? "dependencies" : String.join(", ", roots));
            if (dependencies > 0 && !roots.isEmpty()) {
                b.append(" with ").append(dependencies).append(dependencies == 1 ? " dependency" : " dependencies");
            }
            b.append(" (").append(fresh.size()).append(fresh.size() == 1 ? " jar" : " jars");
            if (plan.dependenciesAlreadyThere() > 0) {
                b.append("; ").append(plan.dependenciesAlreadyThere()).append(" already on the class path");
            }
            b.append(")\n");
        }
        for (Coordinates c : plan.alreadyThere()) {
            b.append(c).append(" is already on the class path: nothing added\n");
        }
        for (String note : plan.notes()) {
            b.append(note).append('\n');
        }
        return b.toString().stripTrailing();
    }

    private static ResolutionException conflict(Coordinates wanted, Pinned there) {
        return new ResolutionException(wanted + " conflicts with " + there.coordinates().version() + ", on the class path since "
                + there.origin() + "; a class path holds one version of a library: restart the kernel to use another"
                + " (nothing was added)");
    }

    /**
     * Adds jars and class directories ({@code patterns}: paths or globs such as {@code lib/*.jar}, relative to
     * {@code base}). Every pattern must match something; nothing is added unless all do.
     */
    public synchronized String addPaths(List<String> patterns, Path base, String origin) {
        List<Path> found = new ArrayList<>();
        for (String pattern : patterns) {
            List<Path> matches = ClassPathGlob.expand(pattern, base);
            if (matches.isEmpty()) {
                throw new ResolutionException(ClassPathGlob.isGlob(pattern) ? pattern + " matches no file" : "no such file or directory: " + pattern);
            }
            for (Path m : matches) {
                if (!Files.isDirectory(m) && !Files.isRegularFile(m)) {
                    throw new ResolutionException("not a file or directory: " + m);
                }
                if (Files.isRegularFile(m) && !isArchive(m)) {
                    throw new ResolutionException("not a jar, zip or class directory: " + m);
                }
                found.add(m.toAbsolutePath().normalize());
            }
        }
        Set<Path> known = new LinkedHashSet<>();
        entries.forEach(e -> known.add(e.path().toAbsolutePath().normalize()));
        List<Path> fresh = new ArrayList<>();
        Map<Path, Coordinates> identities = new LinkedHashMap<>();
        for (Path p : new LinkedHashSet<>(found)) {
            if (known.contains(p)) {
                continue;
            }
            Coordinates id = JarIdentity.of(p);
            if (id != null) {
                Pinned there = pinned.get(id.key());
                if (there != null && !there.coordinates().version().equals(id.version())) {
                    throw new ResolutionException(p.getFileName() + " is " + id + ", which conflicts with " + there.coordinates().version()
                            + ", on the class path since " + there.origin() + "; a class path holds one version of a library"
                            + " (nothing was added)");
                }
                identities.put(p, id);
            }
            fresh.add(p);
        }
        if (fresh.isEmpty()) {
            return "already on the class path: nothing added";
        }
        classPath.accept(fresh);
        for (Path p : fresh) {
            Coordinates id = identities.get(p);
            entries.add(new Entry(p, origin, id));
            if (id != null) {
                pinned.putIfAbsent(id.key(), new Pinned(id, origin));
            }
        }
        return "added " + fresh.size() + (fresh.size() == 1 ? " entry: " : " entries: ")
                + String.join(", ", fresh.stream().map(p -> p.getFileName() + (Files.isDirectory(p) ? "/" : "")).toList());
    }

    private static boolean isArchive(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".jar") || n.endsWith(".zip");
    }

    /** The entries added in this session, one per line, with what added them. */
    public synchronized String describeClassPath() {
        if (entries.isEmpty()) {
            return "nothing added yet: cells see the JDK and jbox's API (add with %maven or %classpath)";
        }
        StringBuilder b = new StringBuilder();
        for (Entry e : entries) {
            b.append(e.path()).append("  (").append(e.coordinates() != null ? e.coordinates() + ", " : "")
                    .append(e.origin()).append(")\n");
        }
        return b.toString().stripTrailing();
    }

    /** Adds (or replaces) a repository for this session; the URL must be http(s) or file, without credentials. */
    public synchronized String addRepository(String name, String url, boolean snapshots) {
        if (!REPO_NAME.matcher(name).matches()) {
            throw new ResolutionException("bad repository name '" + name + "': letters, digits, . _ - only");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new ResolutionException("bad repository URL '" + url + "': " + e.getReason() + "; expected http(s)://host/path or file:///dir");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "http", "https" -> {
                if (uri.getHost() == null) {
                    throw new ResolutionException("bad repository URL '" + url + "': no host; expected http(s)://host/path");
                }
                if (uri.getRawUserInfo() != null) {
                    throw new ResolutionException("repository URLs carry no credentials: put them in a <server> with id " + name
                            + " in settings.xml");
                }
            }
            case "file" -> {
                if (!Files.isDirectory(Path.of(uri))) {
                    throw new ResolutionException("bad repository URL '" + url + "': no such directory " + Path.of(uri));
                }
            }
            default -> throw new ResolutionException("bad repository URL '" + url + "': expected http(s)://host/path or file:///dir");
        }
        boolean replaced = repositories.put(name, new SessionRepository(name, url, snapshots)) != null;
        return (replaced ? "replaced repository " : "added repository ") + name + ": " + url + (snapshots ? " (releases and snapshots)" : " (releases)");
    }

    /** Every repository resolution uses, in order, with the settings they come from. */
    public String describeRepositories() {
        MavenResolver r = resolver();
        List<SessionRepository> own;
        synchronized (this) {
            own = List.copyOf(repositories.values());
        }
        StringBuilder b = new StringBuilder();
        for (var repo : r.repositories(own)) {
            b.append(ResolutionErrors.describe(repo)).append('\n');
        }
        b.append("settings: ").append(r.settings());
        return b.toString();
    }

    private synchronized MavenResolver resolver() {
        if (resolver == null) {
            resolver = new MavenResolver(MavenSettings.load(env));
        }
        return resolver;
    }

    @Override
    public synchronized void close() {
        if (resolver != null) {
            resolver.close();
            resolver = null;
        }
    }
}
