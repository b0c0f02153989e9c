package dev.jbox.client.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Removes the records and logs of ended commands under a state root: those that ended more than {@code age} ago,
 * then the oldest until the rest fit in {@code maxBytes}. Never a running command's, and never another live
 * sandbox's (it retains its own): only those of the sandbox running this, and of dead sandboxes when nobody
 * adopted them. Directories of dead sandboxes that hold nothing any more go too.
 */
final class Retention {

    /** A directory younger than this may belong to a sandbox that is still taking its lock. */
    private static final Duration SETTLE = Duration.ofMinutes(1);

    private record Candidate(Instant endedAt, long bytes, Runnable delete) {
    }

    private Retention() {
    }

    static void apply(Path root, Duration age, long maxBytes, LocalSandbox self) {
        List<Candidate> candidates = new ArrayList<>();
        LocalCommands own = self.localCommands();
        for (LocalProcess p : own.snapshot()) {
            if (p.isRunning() || p.endedAt() == null) continue;
            candidates.add(new Candidate(p.endedAt(), p.logBytes(), () -> own.forget(p)));
        }
        List<StateDir> dead = StateDir.dead(root, null);
        for (StateDir d : dead) {
            for (ProcessRecord r : d.records()) {
                if (!StateLocks.isFree(d.lockFile(), r.seq())) continue; // adopted: its owner decides
                if (!r.processState().isFinal() && Orphans.running(d, r)) continue;
                StateDir.ExitStatus end = d.exitStatus(r);
                Instant at = r.ended() != null ? r.ended() : end != null ? end.at() : modified(d.file(r, ".json"));
                candidates.add(new Candidate(at, Orphans.size(d, r, ".out") + Orphans.size(d, r, ".err"), () -> d.delete(r)));
            }
        }
        candidates.sort(Comparator.comparing(Candidate::endedAt));
        Instant cutoff = Instant.now().minus(age);
        long total = 0;
        for (Candidate c : candidates) total += c.bytes();
        for (Candidate c : candidates) {
            if (!c.endedAt().isBefore(cutoff) && total <= maxBytes) break;
            c.delete().run();
            total -= c.bytes();
        }
        for (StateDir d : dead) {
            if (d.records().isEmpty() && modified(d.lockFile()).isBefore(Instant.now().minus(SETTLE))
                    && StateLocks.isFree(d.lockFile(), 0)) {
                d.deleteAll();
            }
        }
    }

    private static Instant modified(Path f) {
        try {
            return Files.getLastModifiedTime(f).toInstant();
        } catch (IOException e) {
            return Instant.EPOCH;
        }
    }
}
