package dev.jbox.kernel.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SignerTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void knownHmacSha256Vector() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
        assertEquals("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                new Signer("Jefe").sign(b("what do ya want "), b("for nothing?")));
    }

    @Test
    void verifiesOwnSignatureAndRejectsOthers() {
        Signer s = new Signer("k");
        String sig = s.sign(b("a"), b("b"), b("c"), b("d"));
        assertTrue(s.verify(b(sig), b("a"), b("b"), b("c"), b("d")));
        assertFalse(s.verify(b(sig), b("a"), b("b"), b("c"), b("e")));
        assertFalse(new Signer("other").verify(b(sig), b("a"), b("b"), b("c"), b("d")));
        assertFalse(s.verify(b(sig.toUpperCase()), b("a"), b("b"), b("c"), b("d")));
        assertFalse(s.verify(new byte[0], b("a"), b("b"), b("c"), b("d")));
    }
}
