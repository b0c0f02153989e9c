package dev.jbox.kernel.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbox.kernel.display.RecordingCellOutput;
import dev.jbox.kernel.display.RecordingCellOutput.Prompt;
import java.util.List;
import org.junit.jupiter.api.Test;

class StdinTest {

    private final JShellEvaluator ev = SharedEvaluator.get();

    @Test
    void scannerReadsALineFromTheFrontend() {
        RecordingCellOutput out = new RecordingCellOutput().answer("21");
        EvalResult r = ev.evaluate("new Scanner(System.in).nextInt() * 2", out);
        assertNull(r.error(), () -> String.valueOf(r.error()));
        assertEquals("42", r.value().data().get("text/plain"));
        assertEquals(List.of(new Prompt("", false)), out.prompts());
    }

    @Test
    void bufferedReaderReadsOneRequestPerLine() {
        RecordingCellOutput out = new RecordingCellOutput().answer("first \u00e9").answer("second");
        EvalResult r = ev.evaluate("var br = new BufferedReader(new InputStreamReader(System.in));\nbr.readLine() + \"|\" + br.readLine()", out);
        assertEquals("\"first \u00e9|second\"", r.value().data().get("text/plain"));
        assertEquals(2, out.prompts().size());
    }

    @Test
    void readPasswordAsksWithThePasswordFlag() {
        RecordingCellOutput out = new RecordingCellOutput().answer("s3cret");
        EvalResult r = ev.evaluate("readPassword(\"token: \").length()", out);
        assertEquals("6", r.value().data().get("text/plain"));
        assertEquals(List.of(new Prompt("token: ", true)), out.prompts());
    }

    @Test
    void readingWhenStdinIsNotAllowedIsAClearError() {
        EvalResult r = ev.evaluate("new Scanner(System.in).nextLine()", new RecordingCellOutput(false));
        assertEquals("dev.jbox.kernel.display.StdinNotAllowedException", r.error().ename());
        assertTrue(r.error().evalue().contains("allow_stdin is false"), r.error().evalue());
        String tb = String.join("\n", r.error().traceback());
        assertFalse(tb.contains("dev.jbox.kernel.eval") || tb.contains("RecordingCellOutput"), "kernel frames shown: " + tb);
        assertTrue(tb.endsWith("    at (line 1)"), tb);
    }
}
