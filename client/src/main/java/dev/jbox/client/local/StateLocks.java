package dev.jbox.client.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Who owns what in the state directories, as byte-range locks on each instance's {@code lock} file: byte 0 is
 * held by the live sandbox of that directory, byte N by whoever owns its command number N (the sandbox that
 * started it, or one that adopted it). The operating system drops a process's locks when it dies, however it
 * dies, so a free byte means: its owner is gone.
 *
 * <p>One channel per lock file for the whole JVM: with POSIX locks, closing any descriptor of a file drops
 * every lock the process holds on it.
 */
final class StateLocks {

    private static final Map<Path, FileChannel> CHANNELS = new HashMap<>(); // guarded by the class
    private static final Map<Path, Map<Long, FileLock>> HELD = new HashMap<>(); // guarded by the class

    private StateLocks() {
    }

    /** Takes byte {@code position} of {@code lockFile}; false if another process (or this JVM) holds it. */
    static synchronized boolean tryLock(Path lockFile, long position) {
        try {
            FileChannel ch = channel(lockFile);
            FileLock lock = ch.tryLock(position, 1, false);
            if (lock == null) {
                closeIfUnused(lockFile);
                return false;
            }
            HELD.computeIfAbsent(lockFile, k -> new HashMap<>()).put(position, lock);
            return true;
        } catch (OverlappingFileLockException e) {
            return false; // held by this JVM
        } catch (IOException e) {
            closeIfUnused(lockFile);
            return false;
        }
    }

    /** True if nobody holds byte {@code position}: its owner died (or never was). Takes and drops the lock to know. */
    static synchronized boolean isFree(Path lockFile, long position) {
        if (HELD.getOrDefault(lockFile, Map.of()).containsKey(position)) return false;
        if (!tryLock(lockFile, position)) return false;
        release(lockFile, position);
        return true;
    }

    static synchronized void release(Path lockFile, long position) {
        Map<Long, FileLock> held = HELD.get(lockFile);
        if (held == null) return;
        FileLock lock = held.remove(position);
        if (lock != null) {
            try {
                lock.release();
            } catch (IOException e) {
                // the channel is gone: the lock with it
            }
        }
        closeIfUnused(lockFile);
    }

    /** Drops every lock this JVM holds on {@code lockFile}. */
    static synchronized void releaseAll(Path lockFile) {
        HELD.remove(lockFile);
        FileChannel ch = CHANNELS.remove(lockFile);
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // closing drops the locks either way
            }
        }
    }

    private static FileChannel channel(Path lockFile) throws IOException {
        FileChannel ch = CHANNELS.get(lockFile);
        if (ch == null || !ch.isOpen()) {
            ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            CHANNELS.put(lockFile, ch);
        }
        return ch;
    }

    private static void closeIfUnused(Path lockFile) {
        Map<Long, FileLock> held = HELD.get(lockFile);
        if (held == null || held.isEmpty()) releaseAll(lockFile);
    }
}
