package dev.jbox.kernel.wire;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 over the four JSON frames of a message. An empty key means messages are not signed.
 *
 * <pre>{@code
 * Signer s = new Signer("secret");
 * String sig = s.sign(header, parent, metadata, content);
 * boolean ok = s.verify(sig.getBytes(US_ASCII), header, parent, metadata, content);
 * }</pre>
 */
public final class Signer {

    private final Mac prototype;

    public Signer(String key) {
        if (key == null || key.isEmpty()) {
            prototype = null;
            return;
        }
        try {
            prototype = Mac.getInstance("HmacSHA256");
            prototype.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    public boolean isSigning() {
        return prototype != null;
    }

    /** Lower-case hex signature of the frames, or "" when unsigned. */
    public String sign(byte[]... frames) {
        if (prototype == null) {
            return "";
        }
        return HexFormat.of().formatHex(mac(frames));
    }

    /** Constant-time check of a hex signature; anything goes when unsigned. */
    public boolean verify(byte[] signature, byte[]... frames) {
        if (prototype == null) {
            return true;
        }
        byte[] expected = HexFormat.of().formatHex(mac(frames)).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, signature);
    }

    private byte[] mac(byte[]... frames) {
        Mac mac;
        try {
            mac = (Mac) prototype.clone(); // Mac is not thread-safe; a clone per call is cheap
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
        for (byte[] f : frames) {
            mac.update(f);
        }
        return mac.doFinal();
    }
}
