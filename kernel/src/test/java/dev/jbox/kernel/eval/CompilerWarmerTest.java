package dev.jbox.kernel.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

class CompilerWarmerTest {

    @Test
    void warmsOnlyWhileTheUserSessionIsQuietAndThenStops() throws Exception {
        ReentrantLock userSession = new ReentrantLock();
        AtomicLong lastUse = new AtomicLong(System.nanoTime() - CompilerWarmer.QUIET_NANOS);
        CompilerWarmer warmer = new CompilerWarmer(userSession, lastUse, List.of(), 2, false);
        Thread t = new Thread(warmer);
        userSession.lock(); // a cell is running
        try {
            t.start();
            Thread.sleep(700);
            assertEquals(0, warmer.evaluated(), "nothing is evaluated while the user's session is busy");
        } finally {
            lastUse.set(System.nanoTime()); // the cell just ended
            userSession.unlock();
        }
        Thread.sleep(200);
        assertEquals(0, warmer.evaluated(), "nor right after a cell: the user may send the next one");
        t.join(60_000);
        assertTrue(!t.isAlive(), "it stops after its rounds");
        assertEquals(12, warmer.evaluated(), "2 rounds of 4 expressions and 2 statements");
    }
}
