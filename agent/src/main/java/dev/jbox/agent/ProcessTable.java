package dev.jbox.agent;

import dev.jbox.client.CommandHandle;
import dev.jbox.client.remote.envd.ConnectCode;
import dev.jbox.client.remote.envd.ConnectException;
import dev.jbox.client.remote.envd.Messages.ProcessConfig;
import dev.jbox.client.remote.envd.Messages.ProcessSelector;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Processes started through this agent, by envd pid (the OS pid), with the config they were started with. */
final class ProcessTable {

    /** One process; {@code seq} orders entries by start. */
    record Entry(long pid, CommandHandle handle, ProcessConfig config, String tag, long seq) {
        boolean running() {
            return !handle.state().isFinal();
        }
    }

    private final ConcurrentHashMap<Long, Entry> byPid = new ConcurrentHashMap<>();
    private final AtomicLong seq = new AtomicLong();

    Entry add(long pid, CommandHandle handle, ProcessConfig config, String tag) {
        Entry e = new Entry(pid, handle, config, tag, seq.incrementAndGet());
        byPid.put(pid, e); // an OS pid reused after an end replaces the old entry
        return e;
    }

    /** Oldest first. */
    List<Entry> all() {
        List<Entry> list = new ArrayList<>(byPid.values());
        list.sort(Comparator.comparingLong(Entry::seq));
        return list;
    }

    /** The process a selector names (for a tag: the newest running one, else the newest); not_found otherwise. */
    Entry find(ProcessSelector selector) {
        if (selector == null || (selector.pid() == null && selector.tag() == null)) {
            throw new ConnectException(ConnectCode.INVALID_ARGUMENT, "missing process selector: give process.pid or process.tag");
        }
        if (selector.pid() != null) {
            Entry e = byPid.get(selector.pid());
            if (e == null) throw new ConnectException(ConnectCode.NOT_FOUND, "process with pid " + selector.pid() + " not found");
            return e;
        }
        Entry best = null;
        for (Entry e : all()) {
            if (!selector.tag().equals(e.tag())) continue;
            if (best == null || e.running() || !best.running()) best = e;
        }
        if (best == null) throw new ConnectException(ConnectCode.NOT_FOUND, "process with tag '" + selector.tag() + "' not found");
        return best;
    }

    /** Like {@link #find} but the process must still run (stock envd forgets ended processes). */
    Entry findRunning(ProcessSelector selector) {
        Entry e = find(selector);
        if (!e.running()) throw new ConnectException(ConnectCode.NOT_FOUND, "process " + selector.describe() + " not found (it has ended)");
        return e;
    }
}
