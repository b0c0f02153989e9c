package dev.jbox.kernel.deps;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.aether.artifact.Artifact;
import org.eclipse.aether.repository.ArtifactRepository;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactResolutionException;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyResolutionException;
import org.eclipse.aether.transfer.ArtifactNotFoundException;
import org.eclipse.aether.transfer.ArtifactTransferException;
import org.eclipse.aether.transfer.ChecksumFailureException;

/**
 * Turns Maven Resolver's exceptions into one line for the cell: which artifact, and per repository what went wrong
 * (not there, unreachable, checksum mismatch), naming every repository that was tried.
 */
final class ResolutionErrors {

    private ResolutionErrors() {
    }

    static String describe(DependencyResolutionException e, List<RemoteRepository> tried, MavenSettings settings) {
        Map<String, List<String>> byArtifact = new LinkedHashMap<>();
        for (ArtifactResult r : failedResults(e)) {
            List<String> reasons = new ArrayList<>();
            for (Map.Entry<ArtifactRepository, List<Exception>> m : r.getMappedExceptions().entrySet()) {
                for (Exception x : m.getValue()) {
                    reasons.add(reason(x, m.getKey()));
                }
            }
            if (reasons.isEmpty()) {
                r.getExceptions().forEach(x -> reasons.add(reason(x, null)));
            }
            Artifact a = r.getRequest().getArtifact();
            byArtifact.computeIfAbsent(label(a), k -> new ArrayList<>()).addAll(reasons);
        }
        if (byArtifact.isEmpty()) {
            return firstLine(deepest(e).getMessage());
        }
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, List<String>> a : byArtifact.entrySet()) {
            if (b.length() > 0) {
                b.append("; ");
            }
            b.append(a.getKey()).append(": ").append(summarize(a.getValue()));
        }
        if (settings.offline()) {
            b.append(" (offline in ").append(settings.file()).append(": only the local repository ")
                    .append(settings.localRepository()).append(" was used)");
        } else if (byArtifact.values().stream().flatMap(List::stream).allMatch(s -> s.startsWith("not found in "))) {
            b.append(" (tried ").append(String.join(", ", tried.stream().map(ResolutionErrors::describe).toList())).append(")");
        }
        return b.toString();
    }

    /** "not found in A (url)" twice becomes "not found in A (url), B (url)". */
    private static String summarize(List<String> reasons) {
        Set<String> unique = new LinkedHashSet<>(reasons);
        List<String> notFound = unique.stream().filter(s -> s.startsWith("not found in ")).map(s -> s.substring("not found in ".length())).toList();
        List<String> out = new ArrayList<>();
        if (!notFound.isEmpty()) {
            out.add("not found in " + String.join(", ", notFound));
        }
        unique.stream().filter(s -> !s.startsWith("not found in ")).forEach(out::add);
        return String.join("; ", out);
    }

    private static List<ArtifactResult> failedResults(Throwable e) {
        List<ArtifactResult> failed = new ArrayList<>();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DependencyResolutionException d && d.getResult() != null) {
                d.getResult().getArtifactResults().stream().filter(r -> !r.isResolved()).forEach(failed::add);
            }
            if (t instanceof ArtifactResolutionException a) {
                a.getResults().stream().filter(r -> !r.isResolved() && !failed.contains(r)).forEach(failed::add);
            }
            if (!failed.isEmpty()) {
                return failed;
            }
        }
        return failed;
    }

    private static String reason(Exception x, ArtifactRepository where) {
        ArtifactRepository repo = where;
        if (repo == null && x instanceof ArtifactTransferException t) {
            repo = t.getRepository();
        }
        String in = repo instanceof RemoteRepository r ? describe(r) : repo == null ? "the local repository" : repo.getId();
        ChecksumFailureException checksum = find(x, ChecksumFailureException.class);
        if (checksum != null) {
            return "checksum mismatch in " + in + " (expected " + checksum.getExpected() + ", got " + checksum.getActual() + ")";
        }
        if (x instanceof ArtifactNotFoundException) {
            return "not found in " + in;
        }
        Throwable root = deepest(x);
        if (root instanceof ConnectException || root instanceof UnknownHostException) {
            return "cannot reach " + in + ": " + (root instanceof UnknownHostException ? "unknown host " : "") + firstLine(root.getMessage());
        }
        return "failed in " + in + ": " + firstLine(root.getMessage());
    }

    static String describe(RemoteRepository r) {
        return r.getId() + " (" + r.getUrl() + ")";
    }

    private static String label(Artifact a) {
        return MavenResolver.coordinates(a).toString();
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    private static Throwable deepest(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
