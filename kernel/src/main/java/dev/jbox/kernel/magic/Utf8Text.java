package dev.jbox.kernel.magic;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Incremental UTF-8 decoding of one stream: a character split across chunks is kept until its last byte arrives. */
final class Utf8Text {

    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private byte[] carry = new byte[0];

    String decode(byte[] bytes) {
        return run(bytes, false);
    }

    /** Whatever is left (an unfinished character becomes U+FFFD). */
    String finish() {
        return run(new byte[0], true);
    }

    /** Forgets a partial character (after bytes were skipped). */
    void reset() {
        carry = new byte[0];
        decoder.reset();
    }

    private String run(byte[] bytes, boolean end) {
        ByteBuffer in = ByteBuffer.allocate(carry.length + bytes.length);
        in.put(carry).put(bytes).flip();
        CharBuffer out = CharBuffer.allocate(in.remaining() + 2);
        decoder.decode(in, out, end);
        if (end) {
            decoder.flush(out);
            decoder.reset();
        }
        carry = new byte[in.remaining()];
        in.get(carry);
        return out.flip().toString();
    }
}
