package dev.jbox.kernel.display;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a frontend renders: MIME type to data (text, base64 for binary images, or JSON-able values),
 * plus per-type metadata. Immutable.
 *
 * <pre>{@code
 * MimeBundle b = MimeBundle.text("42").with("text/html", "<b>42</b>");
 * }</pre>
 */
public record MimeBundle(Map<String, Object> data, Map<String, Object> metadata) {

    public MimeBundle {
        data = Map.copyOf(data);
        metadata = Map.copyOf(metadata);
    }

    public static MimeBundle text(String plain) {
        return new MimeBundle(Map.of("text/plain", plain), Map.of());
    }

    public static MimeBundle of(String mime, Object value) {
        return new MimeBundle(Map.of(mime, value), Map.of());
    }

    public MimeBundle with(String mime, Object value) {
        Map<String, Object> d = new LinkedHashMap<>(data);
        d.put(mime, value);
        return new MimeBundle(d, metadata);
    }

    public MimeBundle withMetadata(String key, Object value) {
        Map<String, Object> m = new LinkedHashMap<>(metadata);
        m.put(key, value);
        return new MimeBundle(data, m);
    }
}
