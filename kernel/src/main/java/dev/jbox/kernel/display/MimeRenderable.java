package dev.jbox.kernel.display;

/**
 * An object that chooses how a notebook shows it. When such an object is the value of a cell's last
 * expression, or is passed to {@link Display#display(Object)}, its bundle is sent as is (a {@code text/plain}
 * entry is added from {@code toString()} when the bundle has none).
 *
 * <pre>{@code
 * record Money(long cents) implements MimeRenderable {
 *     public MimeBundle toMimeBundle() {
 *         String s = String.format("%d.%02d EUR", cents / 100, cents % 100);
 *         return MimeBundle.text(s).with("text/html", "<b>" + s + "</b>");
 *     }
 * }
 * }</pre>
 */
public interface MimeRenderable {

    /** The representations of this object, MIME type to data. */
    MimeBundle toMimeBundle();
}
