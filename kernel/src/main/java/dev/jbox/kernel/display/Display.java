package dev.jbox.kernel.display;

import java.awt.image.RenderedImage;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.WeakHashMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The display API of notebook cells, statically imported in every cell. Output goes to the cell the calling
 * thread belongs to (see {@link CurrentCell}); values are rendered like a cell's last expression.
 *
 * <pre>{@code
 * String id = display("working...");
 * updateDisplay(id, html("<b>done</b>"));
 * display(image(Path.of("plot.png")));
 * display(bufferedImage);      // any java.awt.image.RenderedImage shows as PNG
 * renderWith(XYChart.class, BitmapEncoder::getBufferedImage);   // charts as cell results show as pictures
 * markdown("# Title")          // as the last expression of a cell: shown as markdown
 * String secret = readPassword("token: ");
 * }</pre>
 */
public final class Display {

    private static volatile Function<Object, MimeBundle> renderer = Display::plainRender;

    /** Types registered with {@link #renderWith}, the latest first. */
    private static final List<TypeRenderer<?>> RENDERERS = new CopyOnWriteArrayList<>();

    private record TypeRenderer<T>(Class<T> type, Function<? super T, ?> toShowable) {
        Object convert(Object value) {
            return toShowable.apply(type.cast(value));
        }
    }

    /** Ids this API handed out; a cell whose value is one of them shows no result (like IPython's display()). */
    private static final Set<String> ISSUED_IDS = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    private Display() {
    }

    /** Installs how values become bundles; the evaluator sets this so display() and cell results agree. */
    public static void setRenderer(Function<Object, MimeBundle> valueRenderer) {
        renderer = Objects.requireNonNull(valueRenderer);
    }

    /** Renders a value with the installed renderer. */
    public static MimeBundle render(Object value) {
        return renderer.apply(value);
    }

    /** Whether {@code value} is a display id returned by this API. */
    public static boolean isDisplayId(Object value) {
        return value instanceof String s && ISSUED_IDS.contains(s);
    }

    /** Shows {@code value} in the cell now; returns its display id for {@link #updateDisplay}. */
    public static String display(Object value) {
        return display(render(value));
    }

    /** Shows a bundle in the cell now; returns its display id for {@link #updateDisplay}. */
    public static String display(MimeBundle bundle) {
        String id = UUID.randomUUID().toString();
        ISSUED_IDS.add(id);
        cell("display").display(Objects.requireNonNull(bundle, "bundle"), id);
        return id;
    }

    /** Replaces what an earlier {@link #display} with this id shows. */
    public static void updateDisplay(String displayId, Object value) {
        cell("updateDisplay").updateDisplay(render(value), Objects.requireNonNull(displayId, "displayId"));
    }

    /** Clears the cell's output now. */
    public static void clearOutput() {
        clearOutput(false);
    }

    /** Clears the cell's output; with {@code wait}, when the next output arrives (no flicker). */
    public static void clearOutput(boolean wait) {
        cell("clearOutput").clearOutput(wait);
    }

    /** An HTML bundle: shown when it is a cell's value or passed to {@link #display}. */
    public static MimeBundle html(String html) {
        return MimeBundle.of("text/html", html).with("text/plain", html);
    }

    /** A Markdown bundle: shown when it is a cell's value or passed to {@link #display}. */
    public static MimeBundle markdown(String markdown) {
        return MimeBundle.of("text/markdown", markdown).with("text/plain", markdown);
    }

    /** An image bundle from bytes; PNG, JPEG, GIF or SVG recognised from the first bytes. */
    public static MimeBundle image(byte[] bytes) {
        return Images.fromBytes(Objects.requireNonNull(bytes, "bytes"));
    }

    /** A PNG bundle of a {@link RenderedImage} (a {@code BufferedImage}, a chart library's picture). */
    public static MimeBundle image(RenderedImage image) {
        return Images.png(Objects.requireNonNull(image, "image"));
    }

    /**
     * From now on, objects of {@code type} (and its subtypes) show as what {@code toShowable} makes of them: an
     * image, a {@link MimeBundle}, HTML, or anything else that renders. The latest registration for a type wins.
     *
     * <pre>{@code
     * renderWith(XYChart.class, BitmapEncoder::getBufferedImage);
     * chart                                  // as a cell's last expression: the chart as a PNG
     * }</pre>
     */
    public static <T> void renderWith(Class<T> type, Function<? super T, ?> toShowable) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(toShowable, "toShowable");
        RENDERERS.removeIf(r -> r.type().equals(type));
        RENDERERS.add(0, new TypeRenderer<>(type, toShowable));
    }

    /**
     * The bundle of a value that shows as more than text, or null: a {@link MimeBundle} itself, a
     * {@link MimeRenderable}'s bundle, a type registered with {@link #renderWith}, a {@link RenderedImage} as PNG.
     * The evaluator's renderer asks this first, and adds {@code text/plain} when the bundle has none.
     */
    public static MimeBundle richBundle(Object value) {
        if (value instanceof MimeBundle b) {
            return b;
        }
        if (value instanceof MimeRenderable r) {
            return r.toMimeBundle();
        }
        for (TypeRenderer<?> r : RENDERERS) {
            if (r.type().isInstance(value)) {
                Object shown;
                try {
                    shown = r.convert(value);
                } catch (RuntimeException | LinkageError e) {
                    return MimeBundle.text(value + "\n[jbox] the renderer registered for " + r.type().getName() + " failed: " + e);
                }
                if (shown == null || shown == value) {
                    return null;
                }
                MimeBundle b = richBundle(shown);
                return b != null ? b : MimeBundle.text(String.valueOf(shown));
            }
        }
        if (value instanceof RenderedImage image) {
            return Images.png(image);
        }
        return null;
    }

    /** An image bundle from a file; the type from its first bytes, else from its extension. */
    public static MimeBundle image(Path file) {
        return Images.fromFile(Objects.requireNonNull(file, "file"));
    }

    /** An image bundle from a file name. */
    public static MimeBundle image(String file) {
        return image(Path.of(file));
    }

    /** Asks the frontend for a secret (not echoed, not kept in history). */
    public static String readPassword(String prompt) {
        try {
            return cell("readPassword").readInput(prompt == null ? "" : prompt, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("readPassword: interrupted while waiting for input");
        }
    }

    private static CellOutput cell(String what) {
        CellOutput out = CurrentCell.get();
        if (out == null) {
            throw new IllegalStateException(what + ": no notebook cell is running on this thread");
        }
        return out;
    }

    /** Until an evaluator installs its renderer: rich values as {@link #richBundle} says, everything else as text. */
    private static MimeBundle plainRender(Object value) {
        MimeBundle b = richBundle(value);
        if (b != null) {
            return b.data().containsKey("text/plain") ? b : b.with("text/plain", String.valueOf(value));
        }
        return new MimeBundle(Map.of("text/plain", String.valueOf(value)), Map.of());
    }
}
