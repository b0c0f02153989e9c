package dev.jbox.kernel.deps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CoordinatesTest {

    @Test
    void theThreeFormsParse() {
        assertEquals(new Coordinates("g", "a", "jar", "", "1.0"), Coordinates.parse("g:a:1.0"));
        assertEquals(new Coordinates("g", "a", "pom", "", "1.0"), Coordinates.parse("g:a:pom:1.0"));
        assertEquals(new Coordinates("org.x", "a-b", "jar", "linux-x86_64", "2.0.1.Final"), Coordinates.parse(" org.x:a-b:jar:linux-x86_64:2.0.1.Final "));
    }

    @Test
    void theKeyLeavesOutTheVersionAndTheDefaultExtension() {
        assertEquals("g:a", Coordinates.parse("g:a:1").key());
        assertEquals("g:a:jar:tests", Coordinates.parse("g:a:jar:tests:1").key());
        assertEquals("g:a:1", Coordinates.parse("g:a:1").toString());
        assertEquals("g:a:jar:tests:1", Coordinates.parse("g:a:jar:tests:1").toString());
    }

    @Test
    void malformedCoordinatesSayWhatIsWrongAndShowTheForm() {
        for (String bad : List.of("g:a", "g", "g:a:b:c:d:1", "g::1", "g:a:", "g a:b:1", "g:a:1 2")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Coordinates.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("malformed coordinates '" + bad.strip() + "' ("), e.getMessage());
            assertTrue(e.getMessage().endsWith("expected " + Coordinates.FORM), e.getMessage());
        }
    }

    @Test
    void listsAreSeparatedByCommasOrBlanks() {
        assertEquals(List.of(Coordinates.parse("g:a:1"), Coordinates.parse("g:b:2"), Coordinates.parse("g:c:3")),
                Coordinates.parseList(" g:a:1, g:b:2\ng:c:3 "));
        assertEquals(List.of(), Coordinates.parseList("  "));
        assertEquals(List.of(), Coordinates.parseList(null));
    }
}
