package dev.jbox.client.remote.hopx;

import dev.jbox.client.remote.hopx.HopxWire.TokenRefreshed;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sandbox's VM-agent token ({@code auth_token}). Refreshed through the control API before it expires (once a
 * third of its lifetime, at most 5 minutes, is left) and when the agent refuses it. Never shown.
 */
final class AgentToken {

    private static final Duration MAX_MARGIN = Duration.ofMinutes(5);

    private final HopxControlApi api;
    private final String sandboxId;
    private final AtomicInteger refreshes = new AtomicInteger();
    private String token;        // guarded by this
    private Instant expiresAt;   // guarded by this; null: unknown, refreshed only when refused
    private Duration margin;     // guarded by this

    AgentToken(HopxControlApi api, String sandboxId, String token, String expiresAt) {
        this.api = api;
        this.sandboxId = sandboxId;
        set(token, expiresAt);
    }

    /** A valid token: refreshed first if it is about to expire. */
    synchronized String current() {
        if (token == null || (expiresAt != null && Instant.now().isAfter(expiresAt.minus(margin)))) refresh();
        return token;
    }

    /** After the agent refused {@code rejected}: a new token, unless another thread already got one. */
    synchronized String replace(String rejected) {
        if (token == null || token.equals(rejected)) refresh();
        return token;
    }

    int refreshes() {
        return refreshes.get();
    }

    private void refresh() {
        TokenRefreshed t = api.refreshToken(sandboxId);
        set(t.authToken(), t.tokenExpiresAt());
        refreshes.incrementAndGet();
    }

    private void set(String newToken, String expiry) {
        token = newToken == null || newToken.isBlank() ? null : newToken;
        expiresAt = parse(expiry);
        Duration life = expiresAt == null ? Duration.ZERO : Duration.between(Instant.now(), expiresAt);
        margin = life.dividedBy(3).compareTo(MAX_MARGIN) > 0 ? MAX_MARGIN : life.dividedBy(3);
    }

    private static Instant parse(String iso) {
        if (iso == null || iso.isBlank()) return null;
        try {
            return OffsetDateTime.parse(iso).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(iso);
            } catch (DateTimeParseException e2) {
                return null; // unknown expiry: refreshed when the agent refuses it
            }
        }
    }
}
