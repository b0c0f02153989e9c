package dev.jbox.client.remote.envd;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;

import java.io.IOException;
import java.util.Base64;

/**
 * proto3-JSON {@code bytes} with the JDK's base64 codec: output streaming spends most of its time here, and
 * base64 text never needs JSON escaping, so it is written as raw UTF-8.
 */
final class Base64Bytes {

    private Base64Bytes() {
    }

    static final class Writer extends JsonSerializer<byte[]> {
        @Override
        public void serialize(byte[] value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            byte[] text = Base64.getEncoder().encode(value);
            gen.writeRawUTF8String(text, 0, text.length);
        }
    }

    /** Accepts the standard and the URL-safe alphabet, padded or not (proto3 JSON allows all). */
    static final class Reader extends JsonDeserializer<byte[]> {
        @Override
        public byte[] deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String text = p.getText();
            try {
                if (text.indexOf('-') >= 0 || text.indexOf('_') >= 0) return Base64.getUrlDecoder().decode(text);
                return Base64.getDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                return ctxt.reportInputMismatch(byte[].class, "bad base64: %s", e.getMessage());
            }
        }
    }
}
