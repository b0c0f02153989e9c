package dev.jbox.agent;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** The agent's shared secret. Only its SHA-256 is kept; comparison is constant-time. Never logged. */
public final class AccessToken {

    private final byte[] digest;

    public AccessToken(String token) {
        if (token == null || token.isBlank()) throw new IllegalArgumentException("the access token must not be empty");
        this.digest = sha256(token.strip());
    }

    /** A fresh random token (256 bits, hex). */
    public static String generate() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** True if {@code given} is the token; hashing first makes the compare independent of length and content. */
    public boolean matches(String given) {
        if (given == null) return false;
        return MessageDigest.isEqual(digest, sha256(given.strip()));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
