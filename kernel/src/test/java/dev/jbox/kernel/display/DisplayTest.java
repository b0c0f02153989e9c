package dev.jbox.kernel.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbox.kernel.eval.EvalResult;
import dev.jbox.kernel.eval.JShellEvaluator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The display API as notebook cells use it, on the real evaluator, plus image type detection. */
class DisplayTest {

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 'I', 'H', 'D', 'R'};
    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 0x10, 'J', 'F', 'I', 'F'};
    private static final String SVG = "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1\" height=\"1\"/>";

    private static JShellEvaluator ev;

    @BeforeAll
    static void start() {
        ev = new JShellEvaluator(List.of("import dev.jbox.kernel.display.*;"));
    }

    @AfterAll
    static void stop() {
        ev.close();
    }

    private static EvalResult run(String code, RecordingCellOutput out) {
        EvalResult r = ev.evaluate(code, out);
        assertNull(r.error(), () -> "unexpected error " + r.error());
        return r;
    }

    @Test
    void displayShowsTheValueNowAndReturnsItsId() {
        RecordingCellOutput out = new RecordingCellOutput();
        EvalResult r = run("String did = display(\"hello\");\nSystem.out.print(did);", out);
        assertNull(r.value());
        List<RecordingCellOutput.Event> events = out.events();
        assertEquals(1, events.size(), events.toString());
        assertEquals("display", events.get(0).kind());
        assertEquals("\"hello\"", events.get(0).bundle().data().get("text/plain"));
        assertNotNull(events.get(0).displayId());
        assertEquals(events.get(0).displayId(), out.stdout(), "display() returns the id it sent");
    }

    @Test
    void aCellWhoseValueIsADisplayIdShowsNoResult() {
        RecordingCellOutput out = new RecordingCellOutput();
        EvalResult r = run("display(42)", out);
        assertNull(r.value(), "the display id is not shown a second time as the result");
        assertEquals(1, out.events().size());
        assertEquals("42", out.events().get(0).bundle().data().get("text/plain"));
        // An ordinary string that merely looks like an id is still a result.
        assertEquals("\"0f8fad5b-d9cb-469f-a165-70867728950e\"",
                run("\"0f8fad5b-d9cb-469f-a165-70867728950e\"", new RecordingCellOutput()).value().data().get("text/plain"));
    }

    @Test
    void updateDisplayReplacesWhatAnIdShows() {
        RecordingCellOutput out = new RecordingCellOutput();
        run("String uid = display(\"working\");\nupdateDisplay(uid, html(\"<b>done</b>\"));", out);
        List<RecordingCellOutput.Event> events = out.events();
        assertEquals(2, events.size(), events.toString());
        assertEquals("update", events.get(1).kind());
        assertEquals(events.get(0).displayId(), events.get(1).displayId());
        assertEquals("<b>done</b>", events.get(1).bundle().data().get("text/html"));
    }

    @Test
    void updateDisplayFromALaterCellGoesToThatCellsOutput() {
        RecordingCellOutput first = new RecordingCellOutput();
        run("String laterId = display(\"v1\");", first);
        RecordingCellOutput second = new RecordingCellOutput();
        run("updateDisplay(laterId, \"v2\");", second);
        assertEquals(1, second.events().size());
        assertEquals(first.events().get(0).displayId(), second.events().get(0).displayId());
        assertEquals("\"v2\"", second.events().get(0).bundle().data().get("text/plain"));
    }

    @Test
    void clearOutputNowAndOnNextOutput() {
        RecordingCellOutput out = new RecordingCellOutput();
        run("clearOutput();\nclearOutput(true);", out);
        assertEquals(List.of("clear", "clear-wait"), out.events().stream().map(RecordingCellOutput.Event::kind).toList());
    }

    @Test
    void htmlAndMarkdownAsTheCellValue() {
        EvalResult h = run("html(\"<i>hi</i>\")", new RecordingCellOutput());
        assertEquals("<i>hi</i>", h.value().data().get("text/html"));
        assertTrue(h.value().data().containsKey("text/plain"));
        EvalResult m = run("markdown(\"# Title\")", new RecordingCellOutput());
        assertEquals("# Title", m.value().data().get("text/markdown"));
        assertFalse(m.value().data().containsKey("text/html"));
    }

    @Test
    void imageBytesInACellBecomeAnImageResult() {
        EvalResult r = run("image(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 'I', 'H', 'D', 'R'})",
                new RecordingCellOutput());
        assertEquals(Base64.getEncoder().encodeToString(PNG), r.value().data().get("image/png"));
        assertEquals("<image/png, 16 bytes>", r.value().data().get("text/plain"));
    }

    @Test
    void imageTypesAreRecognisedByTheirFirstBytes() {
        assertEquals(Base64.getEncoder().encodeToString(PNG), Display.image(PNG).data().get("image/png"));
        assertEquals(Base64.getEncoder().encodeToString(JPEG), Display.image(JPEG).data().get("image/jpeg"));
        MimeBundle svg = Display.image(SVG.getBytes(StandardCharsets.UTF_8));
        assertEquals(SVG, svg.data().get("image/svg+xml"), "SVG is sent as text, not base64");
        assertEquals(List.of("image/png", "text/plain"), sortedKeys(Display.image(PNG)));
        assertEquals(List.of("image/jpeg", "text/plain"), sortedKeys(Display.image(JPEG)));
        assertEquals(List.of("image/svg+xml", "text/plain"), sortedKeys(svg));
    }

    @Test
    void bytesThatAreNoImageAreAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Display.image("just text".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("not a PNG, JPEG, GIF or SVG"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Display.image(new byte[0]));
    }

    @Test
    void imageFilesAreRecognisedByContentThenByName(@TempDir Path dir) throws Exception {
        Path misnamed = Files.write(dir.resolve("photo.png"), JPEG);
        assertTrue(Display.image(misnamed).data().containsKey("image/jpeg"), "the bytes win over the name");
        Path svgFile = Files.writeString(dir.resolve("drawing.svg"), SVG);
        assertEquals(SVG, Display.image(svgFile).data().get("image/svg+xml"));
        Path unknown = Files.write(dir.resolve("data.bin"), new byte[] {1, 2, 3});
        assertThrows(IllegalArgumentException.class, () -> Display.image(unknown));
    }

    @Test
    void mimeRenderableObjectsRenderTheirBundleAsTheResult() {
        RecordingCellOutput out = new RecordingCellOutput();
        EvalResult r = run("""
                record Money(long cents) implements MimeRenderable {
                    public MimeBundle toMimeBundle() {
                        return MimeBundle.of("text/html", "<b>" + cents / 100 + " EUR</b>");
                    }
                }
                new Money(1250)""", out);
        assertEquals("<b>12 EUR</b>", r.value().data().get("text/html"));
        assertEquals("Money[cents=1250]", r.value().data().get("text/plain"), "text/plain is added from toString()");
        run("display(new Money(300));", out);
        assertEquals("<b>3 EUR</b>", out.events().get(0).bundle().data().get("text/html"));
    }

    @Test
    void aMimeRenderableWithItsOwnPlainTextKeepsIt() {
        EvalResult r = run("""
                class Temp implements MimeRenderable {
                    public MimeBundle toMimeBundle() { return MimeBundle.text("21 C").with("text/html", "<i>21 C</i>"); }
                }
                new Temp()""", new RecordingCellOutput());
        assertEquals("21 C", r.value().data().get("text/plain"));
        assertEquals("<i>21 C</i>", r.value().data().get("text/html"));
    }

    @Test
    void anErrorInsideTheDisplayApiShowsTheUsersLineNotTheKernelsFrames() {
        EvalResult r = ev.evaluate("int before = 1;\nimage(new byte[] {1, 2})", new RecordingCellOutput());
        assertEquals("java.lang.IllegalArgumentException", r.error().ename());
        assertTrue(r.error().evalue().contains("not a PNG, JPEG, GIF or SVG image"), r.error().evalue());
        assertEquals(List.of("java.lang.IllegalArgumentException: " + r.error().evalue(), "    at (line 2)"), r.error().traceback());
    }

    @Test
    void displayOutsideACellIsAClearError() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Display.display("x"));
        assertTrue(e.getMessage().contains("no notebook cell"), e.getMessage());
    }

    private static List<String> sortedKeys(MimeBundle b) {
        return b.data().keySet().stream().sorted().toList();
    }

    @Test
    void aRenderedImageShowsAsPngAsAValueAndThroughDisplay() {
        String make = "var pic = new java.awt.image.BufferedImage(30, 20, java.awt.image.BufferedImage.TYPE_INT_ARGB);\n";
        MimeBundle value = run(make + "pic", new RecordingCellOutput()).value();
        byte[] png = java.util.Base64.getDecoder().decode((String) value.data().get("image/png"));
        assertEquals("image/png", Images.sniff(png));
        assertEquals(30, java.nio.ByteBuffer.wrap(png, 16, 8).getInt(), "width in the PNG header");
        assertEquals(20, java.nio.ByteBuffer.wrap(png, 20, 4).getInt(), "height in the PNG header");
        assertTrue(((String) value.data().get("text/plain")).startsWith("<image/png, 30x20, "), value.data().toString());
        RecordingCellOutput out = new RecordingCellOutput();
        run("display(pic);", out);
        assertTrue(out.events().get(0).bundle().data().containsKey("image/png"));
    }

    @Test
    void renderWithShowsARegisteredTypeAsWhatItsFunctionMakes() {
        run("class Gauge { int level = 3; }\n"
                + "renderWith(Gauge.class, g -> html(\"<meter value='\" + g.level + \"'/>\"));", new RecordingCellOutput());
        MimeBundle b = run("new Gauge()", new RecordingCellOutput()).value();
        assertEquals("<meter value='3'/>", b.data().get("text/html"));
        run("renderWith(Gauge.class, g -> new java.awt.image.BufferedImage(2, 2, java.awt.image.BufferedImage.TYPE_INT_RGB));",
                new RecordingCellOutput());
        assertTrue(run("new Gauge()", new RecordingCellOutput()).value().data().containsKey("image/png"), "the latest registration wins");
        run("renderWith(Gauge.class, g -> { throw new IllegalStateException(\"no fonts\"); });", new RecordingCellOutput());
        String text = (String) run("new Gauge()", new RecordingCellOutput()).value().data().get("text/plain");
        assertTrue(text.contains("the renderer registered for") && text.contains("no fonts"), text);
    }
}
