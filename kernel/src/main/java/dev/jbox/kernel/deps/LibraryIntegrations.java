package dev.jbox.kernel.deps;

import java.util.List;

/**
 * Set-up code the kernel runs, as Java in the session, when a library it knows arrives on the class path: for
 * charting libraries, a {@code renderWith} registration so that a chart as a cell's value shows as a picture.
 * Plain Java compiled against the library itself, so no reflection and no compile-time dependency of the kernel.
 */
public final class LibraryIntegrations {

    /** Code to run once {@code artifactKey} ({@code groupId:artifactId}) is on the class path. */
    public record Integration(String artifactKey, String what, String javaCode) {
    }

    private static final List<Integration> KNOWN = List.of(
            new Integration("org.knowm.xchart:xchart", "showing XChart charts as PNG",
                    "dev.jbox.kernel.display.Display.renderWith(org.knowm.xchart.internal.chartpart.Chart.class,"
                            + " chart -> org.knowm.xchart.BitmapEncoder.getBufferedImage(chart));"));

    private LibraryIntegrations() {
    }

    /** The integrations of the libraries among {@code artifactKeys}, in a fixed order. */
    public static List<Integration> forArtifacts(List<String> artifactKeys) {
        return KNOWN.stream().filter(i -> artifactKeys.contains(i.artifactKey())).toList();
    }
}
