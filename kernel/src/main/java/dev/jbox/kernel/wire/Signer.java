package dev.jbox.kernel.wire;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 over the four JSON frames of a message; an empty key means messages are unsigned. */
public final class Signer {

    private final SecretKeySpec key;

    public Signer(String key) {
        this.key = key == null || key.isEmpty() ? null : new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    public boolean enabled() {
        return key != null;
    }

    /** Hex signature of the frames, or "" when unsigned. */
    public String sign(byte[]... frames) {
        if (key == null) return "";
        return HexFormat.of().formatHex(mac(frames));
    }

    /** Constant-time check of a received hex signature. */
    public boolean verify(byte[] signature, byte[]... frames) {
        if (key == null) return true;
        byte[] expected = HexFormat.of().formatHex(mac(frames)).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, signature);
    }

    private byte[] mac(byte[]... frames) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            for (byte[] f : frames) mac.update(f);
            return mac.doFinal();
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
