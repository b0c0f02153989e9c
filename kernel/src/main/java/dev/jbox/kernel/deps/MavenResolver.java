package dev.jbox.kernel.deps;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession.CloseableSession;
import org.eclipse.aether.artifact.Artifact;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.graph.DependencyNode;
import org.eclipse.aether.graph.Exclusion;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.repository.RepositoryPolicy;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.resolution.DependencyResolutionException;
import org.eclipse.aether.resolution.DependencyResult;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.eclipse.aether.supplier.SessionBuilderSupplier;
import org.eclipse.aether.transfer.AbstractTransferListener;
import org.eclipse.aether.transfer.TransferCancelledException;
import org.eclipse.aether.transfer.TransferEvent;
import org.eclipse.aether.util.artifact.JavaScopes;
import org.eclipse.aether.util.filter.DependencyFilterUtils;
import org.eclipse.aether.util.graph.manager.DependencyManagerUtils;

/**
 * Maven Resolver, set up once per kernel from the user's settings: resolves artifacts with their transitive
 * runtime dependencies into the local repository (which is also the cache: what is there is not fetched again).
 * Checksums are enforced (a mismatch fails instead of warning, as Maven's default would).
 *
 * <p>This class and {@link MavenSettings} are the only ones that touch Maven Resolver's types; they are loaded on
 * the first {@code %maven}, never at kernel startup.
 */
final class MavenResolver implements AutoCloseable {

    static final String CENTRAL_URL = "https://repo.maven.apache.org/maven2/";

    private final MavenSettings settings;
    private final RepositorySystem system;
    private final CloseableSession session;
    private volatile TransferProgress progress = new TransferProgress();

    MavenResolver(MavenSettings settings) {
        this.settings = settings;
        this.system = new RepositorySystemSupplier().get();
        this.session = new SessionBuilderSupplier(system).get()
                .withLocalRepositoryBaseDirectories(settings.localRepository())
                .setOffline(settings.offline())
                .setMirrorSelector(settings.mirrors())
                .setProxySelector(settings.proxies())
                .setAuthenticationSelector(settings.credentials())
                .setChecksumPolicy(RepositoryPolicy.CHECKSUM_POLICY_FAIL)
                .setTransferListener(new Relay())
                // keeps the version a dependency asked for when management held it to another (see notes below)
                .setConfigProperty(DependencyManagerUtils.CONFIG_PROP_VERBOSE, true)
                .build();
    }

    MavenSettings settings() {
        return settings;
    }

    /** Maven Central, then the repositories of active settings profiles, then {@code sessionRepositories}. */
    List<RemoteRepository> repositories(List<SessionRepository> sessionRepositories) {
        List<RemoteRepository> repos = new ArrayList<>();
        repos.add(new RemoteRepository.Builder("central", "default", CENTRAL_URL)
                .setSnapshotPolicy(new RepositoryPolicy(false, RepositoryPolicy.UPDATE_POLICY_DAILY, RepositoryPolicy.CHECKSUM_POLICY_FAIL))
                .build());
        repos.addAll(settings.profileRepositories());
        for (SessionRepository r : sessionRepositories) {
            repos.add(new RemoteRepository.Builder(r.id(), "default", r.url())
                    .setSnapshotPolicy(new RepositoryPolicy(r.snapshots(), RepositoryPolicy.UPDATE_POLICY_DAILY, RepositoryPolicy.CHECKSUM_POLICY_FAIL))
                    .build());
        }
        return system.newResolutionRepositories(session, repos); // mirrors, proxies and credentials applied
    }

    /**
     * Resolves {@code roots} and their runtime dependencies. Versions in {@code pinned} (key to version: what is on
     * the class path already) win over the versions dependencies ask for, as Maven's dependency management does;
     * each such case becomes a note. Throws a {@link ResolutionException} with one line when anything is missing.
     * One resolution at a time: one that was cancelled may still be winding down when the next one starts.
     */
    synchronized Resolution resolve(List<Requested> roots, Map<String, Pinned> pinned, List<SessionRepository> sessionRepositories,
                       TransferProgress progress) {
        if (progress.cancelled()) {
            throw new ResolutionException("interrupted");
        }
        List<RemoteRepository> repos = repositories(sessionRepositories);
        CollectRequest collect = new CollectRequest();
        collect.setRepositories(repos);
        for (Requested r : roots) {
            Coordinates c = r.coordinates();
            List<Exclusion> exclusions = new ArrayList<>();
            for (String pattern : r.exclusions()) {
                String[] ga = pattern.split(":", 2);
                exclusions.add(new Exclusion(ga[0], ga.length > 1 ? ga[1] : "*", "*", "*"));
            }
            collect.addDependency(new Dependency(artifact(c), JavaScopes.COMPILE, false, exclusions));
        }
        for (Pinned p : pinned.values()) {
            collect.addManagedDependency(new Dependency(artifact(p.coordinates()), null));
        }
        DependencyRequest request = new DependencyRequest(collect, DependencyFilterUtils.classpathFilter(JavaScopes.RUNTIME));
        this.progress = progress;
        DependencyResult result;
        try {
            result = system.resolveDependencies(session, request);
        } catch (DependencyResolutionException e) {
            if (progress.cancelled()) {
                throw new ResolutionException("interrupted");
            }
            throw new ResolutionException(ResolutionErrors.describe(e, repos, settings));
        } finally {
            this.progress = new TransferProgress();
        }
        List<ResolvedArtifact> artifacts = new ArrayList<>();
        for (ArtifactResult a : result.getArtifactResults()) {
            Artifact art = a.getArtifact();
            Path file = art.getPath();
            artifacts.add(new ResolvedArtifact(coordinates(art), file));
        }
        List<String> notes = new ArrayList<>();
        collectNotes(result.getRoot(), null, pinned, notes);
        return new Resolution(artifacts, notes);
    }

    /** A note for each dependency whose version was held to the one already on the class path. */
    private static void collectNotes(DependencyNode node, DependencyNode parent, Map<String, Pinned> pinned, List<String> notes) {
        if (node.getArtifact() != null && parent != null && parent.getArtifact() != null) {
            String asked = DependencyManagerUtils.getPremanagedVersion(node);
            Coordinates c = coordinates(node.getArtifact());
            Pinned held = pinned.get(c.key());
            if (asked != null && !asked.equals(c.version()) && held != null) {
                String note = c.key() + ": " + c.version() + " in use, not " + asked + " (asked for by "
                        + coordinates(parent.getArtifact()) + "): " + c.version() + " is on the class path since " + held.origin();
                if (!notes.contains(note)) {
                    notes.add(note);
                }
            }
        }
        for (DependencyNode child : node.getChildren()) {
            collectNotes(child, node, pinned, notes);
        }
    }

    private static DefaultArtifact artifact(Coordinates c) {
        return new DefaultArtifact(c.groupId(), c.artifactId(), c.classifier(), c.extension(), c.version());
    }

    static Coordinates coordinates(Artifact a) {
        return new Coordinates(a.getGroupId(), a.getArtifactId(), a.getExtension(), a.getClassifier(), a.getBaseVersion());
    }

    @Override
    public void close() {
        session.close();
        system.shutdown();
    }

    /** The session's transfer listener: reports to the progress of the resolution that runs now, and stops it on cancel. */
    private final class Relay extends AbstractTransferListener {

        @Override
        public void transferInitiated(TransferEvent event) throws TransferCancelledException {
            TransferProgress p = progress;
            check(p);
            if (event.getRequestType() == TransferEvent.RequestType.GET) {
                p.fetching(event.getResource().getResourceName(), event.getResource().getRepositoryId());
            }
        }

        @Override
        public void transferProgressed(TransferEvent event) throws TransferCancelledException {
            TransferProgress p = progress;
            check(p);
            p.received(event.getDataLength());
        }

        @Override
        public void transferSucceeded(TransferEvent event) {
            if (event.getRequestType() == TransferEvent.RequestType.GET) {
                progress.done();
            }
        }

        private void check(TransferProgress p) throws TransferCancelledException {
            if (p.cancelled()) {
                throw new TransferCancelledException("interrupted");
            }
        }
    }
}
