package dev.jbox.kernel.deps;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.maven.settings.Profile;
import org.apache.maven.settings.Repository;
import org.apache.maven.settings.RepositoryPolicy;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.building.DefaultSettingsBuilderFactory;
import org.apache.maven.settings.building.DefaultSettingsBuildingRequest;
import org.apache.maven.settings.building.SettingsBuildingException;
import org.apache.maven.settings.building.SettingsProblem;
import org.apache.maven.settings.crypto.DefaultSettingsDecrypter;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;
import org.eclipse.aether.repository.Authentication;
import org.eclipse.aether.repository.Proxy;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.util.repository.AuthenticationBuilder;
import org.eclipse.aether.util.repository.DefaultAuthenticationSelector;
import org.eclipse.aether.util.repository.DefaultMirrorSelector;
import org.eclipse.aether.util.repository.DefaultProxySelector;
import org.sonatype.plexus.components.cipher.DefaultPlexusCipher;
import org.sonatype.plexus.components.sec.dispatcher.DefaultSecDispatcher;

/**
 * The user's Maven settings, read with Maven's own settings builder (interpolation, validation) and decrypter
 * ({@code ~/.m2/settings-security.xml}), turned into what Maven Resolver needs: local repository, offline flag,
 * mirrors, proxies, credentials ({@code <server>} by repository id) and the repositories of active profiles.
 *
 * <p>The file is {@code $JBOX_MAVEN_SETTINGS} when set, else {@code ~/.m2/settings.xml}; a missing file means
 * Maven's defaults ({@code ~/.m2/repository}, Maven Central, online).
 */
final class MavenSettings {

    /** Environment variable naming another settings file (tests point it at a temp one). */
    static final String SETTINGS_ENV = "JBOX_MAVEN_SETTINGS";

    private final Path file;
    private final Settings settings;

    private MavenSettings(Path file, Settings settings) {
        this.file = file;
        this.settings = settings;
    }

    /** Reads the settings the environment points at; a broken file is one clear {@link ResolutionException}. */
    static MavenSettings load(Map<String, String> env) {
        String override = env.get(SETTINGS_ENV);
        Path userHome = Path.of(System.getProperty("user.home"));
        Path file = override != null && !override.isBlank() ? Path.of(override) : userHome.resolve(".m2").resolve("settings.xml");
        if (override != null && !override.isBlank() && !Files.isRegularFile(file)) {
            throw new ResolutionException(SETTINGS_ENV + "=" + override + ": no such file");
        }
        Properties system = new Properties();
        system.putAll(System.getProperties());
        System.getenv().forEach((k, v) -> system.setProperty("env." + k, v));
        DefaultSettingsBuildingRequest request = new DefaultSettingsBuildingRequest()
                .setSystemProperties(system)
                .setUserSettingsFile(Files.isRegularFile(file) ? file.toFile() : null);
        Settings s;
        try {
            s = new DefaultSettingsBuilderFactory().newInstance().build(request).getEffectiveSettings();
        } catch (SettingsBuildingException e) {
            String problem = e.getProblems().stream().filter(p -> p.getSeverity() != SettingsProblem.Severity.WARNING)
                    .map(SettingsProblem::getMessage).findFirst().orElse(e.getMessage());
            throw new ResolutionException("cannot read " + file + ": " + problem);
        }
        Path security = userHome.resolve(".m2").resolve("settings-security.xml");
        if (hasEncrypted(s)) {
            DefaultSecDispatcher dispatcher = new DefaultSecDispatcher(new DefaultPlexusCipher(), Map.of(), security.toString());
            SettingsDecryptionResult r = new DefaultSettingsDecrypter(dispatcher).decrypt(new DefaultSettingsDecryptionRequest(s));
            if (!r.getProblems().isEmpty()) {
                throw new ResolutionException("cannot decrypt a password of " + file + ": " + r.getProblems().get(0).getMessage());
            }
            s.setServers(r.getServers());
            s.setProxies(r.getProxies());
        }
        return new MavenSettings(file, s);
    }

    private static boolean hasEncrypted(Settings s) {
        return s.getServers().stream().anyMatch(v -> isEncrypted(v.getPassword()) || isEncrypted(v.getPassphrase()))
                || s.getProxies().stream().anyMatch(p -> isEncrypted(p.getPassword()));
    }

    private static boolean isEncrypted(String value) {
        return value != null && value.strip().startsWith("{") && value.strip().endsWith("}");
    }

    /** The settings file that was (or would have been) read. */
    Path file() {
        return file;
    }

    /** {@code <localRepository>}, else {@code ~/.m2/repository}. */
    Path localRepository() {
        String configured = settings.getLocalRepository();
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured.strip());
        }
        return Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    boolean offline() {
        return settings.isOffline();
    }

    DefaultMirrorSelector mirrors() {
        DefaultMirrorSelector selector = new DefaultMirrorSelector();
        for (org.apache.maven.settings.Mirror m : settings.getMirrors()) {
            selector.add(m.getId(), m.getUrl(), m.getLayout(), false, m.isBlocked(), m.getMirrorOf(), m.getMirrorOfLayouts());
        }
        return selector;
    }

    DefaultProxySelector proxies() {
        DefaultProxySelector selector = new DefaultProxySelector();
        for (org.apache.maven.settings.Proxy p : settings.getProxies()) {
            if (!p.isActive()) {
                continue;
            }
            Authentication auth = p.getUsername() == null ? null
                    : new AuthenticationBuilder().addUsername(p.getUsername()).addPassword(p.getPassword()).build();
            selector.add(new Proxy(p.getProtocol(), p.getHost(), p.getPort(), auth), p.getNonProxyHosts());
        }
        return selector;
    }

    /** Credentials of {@code <server>} entries, matched by repository (or mirror) id. */
    DefaultAuthenticationSelector credentials() {
        DefaultAuthenticationSelector selector = new DefaultAuthenticationSelector();
        for (Server s : settings.getServers()) {
            AuthenticationBuilder b = new AuthenticationBuilder().addUsername(s.getUsername()).addPassword(s.getPassword());
            if (s.getPrivateKey() != null) {
                b.addPrivateKey(s.getPrivateKey(), s.getPassphrase());
            }
            selector.add(s.getId(), b.build());
        }
        return selector;
    }

    /** Repositories of the profiles that are active by default or listed in {@code <activeProfiles>}. */
    List<RemoteRepository> profileRepositories() {
        List<RemoteRepository> repos = new ArrayList<>();
        for (Profile p : settings.getProfiles()) {
            boolean active = settings.getActiveProfiles().contains(p.getId())
                    || p.getActivation() != null && p.getActivation().isActiveByDefault();
            if (!active) {
                continue;
            }
            for (Repository r : p.getRepositories()) {
                RemoteRepository.Builder b = new RemoteRepository.Builder(r.getId(), "default", r.getUrl());
                b.setReleasePolicy(policy(r.getReleases(), true));
                b.setSnapshotPolicy(policy(r.getSnapshots(), false));
                repos.add(b.build());
            }
        }
        return repos;
    }

    private static org.eclipse.aether.repository.RepositoryPolicy policy(RepositoryPolicy p, boolean enabledByDefault) {
        boolean enabled = p == null ? enabledByDefault : p.isEnabled();
        String update = p == null || p.getUpdatePolicy() == null ? org.eclipse.aether.repository.RepositoryPolicy.UPDATE_POLICY_DAILY : p.getUpdatePolicy();
        return new org.eclipse.aether.repository.RepositoryPolicy(enabled, update,
                org.eclipse.aether.repository.RepositoryPolicy.CHECKSUM_POLICY_FAIL);
    }

    @Override
    public String toString() {
        return (Files.isRegularFile(file) ? file.toString() : "no " + file + " (defaults)") + ", local repository " + localRepository()
                + (offline() ? ", offline" : "");
    }
}
