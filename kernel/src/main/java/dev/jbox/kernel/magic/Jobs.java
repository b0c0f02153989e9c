package dev.jbox.kernel.magic;

import dev.jbox.client.CommandHandle;
import dev.jbox.client.ProcessInfo;
import dev.jbox.client.Sandbox;
import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The session's processes as a read-only map from id to handle; {@link #get} also finds a process by name.
 *
 * <pre>{@code
 * jobs().get("p1").stdout();          // what p1 printed so far
 * jobs().get("web").kill();           // by --name
 * jobs().keySet();                    // [p1, p2, web]
 * }</pre>
 */
public final class Jobs extends AbstractMap<String, CommandHandle> {

    private final Sandbox sandbox;

    Jobs(Sandbox sandbox) {
        this.sandbox = sandbox;
    }

    /** The handle with this id, else the (running, else latest) one with this name, else null. */
    @Override
    public CommandHandle get(Object key) {
        if (!(key instanceof String k)) return null;
        CommandHandle byId = sandbox.commands().get(k).orElse(null);
        if (byId != null) return byId;
        ProcessInfo found = null;
        for (ProcessInfo p : sandbox.commands().list()) {
            if (k.equals(p.name()) && (found == null || !p.state().isFinal())) found = p;
        }
        return found == null ? null : sandbox.commands().get(found.id()).orElse(null);
    }

    @Override
    public boolean containsKey(Object key) {
        return get(key) != null;
    }

    @Override
    public Set<Entry<String, CommandHandle>> entrySet() {
        Map<String, CommandHandle> m = new LinkedHashMap<>();
        for (ProcessInfo p : sandbox.commands().list()) sandbox.commands().get(p.id()).ifPresent(h -> m.put(p.id(), h));
        return m.entrySet();
    }
}
