package dev.jbox.client;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class Utf8DecoderTest {

    private static final String TEXT = "a€b😀c\u00e9\r\n日本語";

    @Test
    void everySplitPointDecodesLikeTheWhole() {
        byte[] all = TEXT.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i <= all.length; i++) {
            for (int j = i; j <= all.length; j++) {
                Utf8Decoder d = new Utf8Decoder();
                String s = d.decode(all, 0, i) + d.decode(all, i, j - i) + d.decode(all, j, all.length - j) + d.finish();
                assertEquals(TEXT, s, "split at " + i + "," + j);
            }
        }
    }

    @Test
    void byteByByte() {
        byte[] all = TEXT.getBytes(StandardCharsets.UTF_8);
        Utf8Decoder d = new Utf8Decoder();
        StringBuilder sb = new StringBuilder();
        for (byte b : all) sb.append(d.decode(new byte[]{b}));
        assertEquals(TEXT, sb.toString());
        assertEquals(0, d.pendingBytes());
    }

    @Test
    void truncatedAndMalformedBytesBecomeReplacementCharacters() {
        Utf8Decoder d = new Utf8Decoder();
        assertEquals("x", d.decode(new byte[]{'x', (byte) 0xE2, (byte) 0x82}));
        assertEquals(2, d.pendingBytes());
        assertEquals("\uFFFD", d.finish());
        assertEquals("\uFFFDy", new Utf8Decoder().decode(new byte[]{(byte) 0xFF, 'y'}));
        assertEquals("\uFFFD", new Utf8Decoder().decode(new byte[]{(byte) 0x80}));
    }
}
