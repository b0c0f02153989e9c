package dev.jbox.kernel.magic;

import dev.jbox.client.ProcessInfo;
import dev.jbox.client.local.LocalSandbox;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds orphans (processes of dead kernels nobody adopted) by the names {@code %ps --orphans} shows:
 * {@code INSTANCE/ID}, {@code SESSION/INSTANCE/ID}, or just {@code ID} when only one orphan has it.
 */
final class OrphanRefs {

    private OrphanRefs() {
    }

    /** The orphan {@code ref} names, or null if none does; one clear line if the name is ambiguous. */
    static ProcessInfo find(MagicSession session, String ref) {
        List<ProcessInfo> matches = new ArrayList<>();
        for (ProcessInfo p : LocalSandbox.orphans(session.stateRoot())) {
            String full = p.adoptedFrom() + "/" + p.id();
            if (ref.equals(p.id()) || full.equals(ref) || full.endsWith("/" + ref) && ref.contains("/")) matches.add(p);
        }
        if (matches.size() > 1) {
            throw MagicException.failed("'" + ref + "' names " + matches.size() + " orphans ("
                    + String.join(", ", matches.stream().map(OrphanRefs::ref).toList()) + "): give INSTANCE/ID as %ps --orphans shows");
        }
        return matches.isEmpty() ? null : matches.get(0);
    }

    /** How {@code %ps --orphans} names an orphan. */
    static String ref(ProcessInfo orphan) {
        return ProcessTable.instance(orphan.adoptedFrom()) + "/" + orphan.id();
    }

    /** The session's local sandbox, to adopt into; one clear line when the session's sandbox is not local. */
    static LocalSandbox target(MagicSession session, String magic) {
        return session.sandbox() instanceof LocalSandbox l ? l : failNotLocal(session, magic);
    }

    private static LocalSandbox failNotLocal(MagicSession session, String magic) {
        throw MagicException.failed(magic + ": the session's sandbox is " + session.sandbox().describe()
                + "; orphans are local processes: switch with %sandbox local first");
    }
}
