package dev.jbox.kernel.magic;

import java.util.function.LongSupplier;

/**
 * Token bucket over bytes for one cell: {@code rate} bytes per second with a one-second burst; a rate of 0 means
 * unlimited. The rate is read on every call so that {@code %config} applies at once.
 */
final class RateLimiter {

    private final LongSupplier rate;
    private final LongSupplier clock;
    private double tokens;
    private long last;

    RateLimiter(LongSupplier rateBytesPerSecond, LongSupplier nanoClock) {
        this.rate = rateBytesPerSecond;
        this.clock = nanoClock;
        this.last = nanoClock.getAsLong();
        this.tokens = rateBytesPerSecond.getAsLong();
    }

    /** Takes {@code n} bytes from the budget if it allows them now; a chunk bigger than the burst passes when the bucket is full. */
    synchronized boolean tryAcquire(long n) {
        long r = rate.getAsLong();
        if (r <= 0) return true;
        long now = clock.getAsLong();
        tokens = Math.min(r, tokens + (now - last) / 1e9 * r);
        last = now;
        if (tokens >= Math.min(n, r)) {
            tokens -= n;
            return true;
        }
        return false;
    }
}
