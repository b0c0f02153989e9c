package dev.jbox.kernel.deps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The body of a %%maven cell: coordinate lines, or dependency elements read by Maven's POM reader. */
class DependencyListTest {

    @Test
    void linesOfCoordinatesWithComments() {
        List<Requested> r = DependencyList.parse("# charts\norg.knowm.xchart:xchart:3.8.8\n\n// json\ncom.google.code.gson:gson:2.11.0 g:a:1\n");
        assertEquals(List.of("org.knowm.xchart:xchart:3.8.8", "com.google.code.gson:gson:2.11.0", "g:a:1"),
                r.stream().map(x -> x.coordinates().toString()).toList());
    }

    @Test
    void dependencyElementsWithTypeClassifierAndExclusions() {
        List<Requested> r = DependencyList.parse("""
                <dependency>
                  <groupId>org.example</groupId>
                  <artifactId>lib</artifactId>
                  <version>1.2</version>
                  <exclusions>
                    <exclusion><groupId>org.slf4j</groupId><artifactId>*</artifactId></exclusion>
                  </exclusions>
                </dependency>
                <dependency>
                  <groupId>org.example</groupId><artifactId>lib</artifactId><version>1.2</version><type>test-jar</type>
                </dependency>
                """);
        assertEquals(2, r.size());
        assertEquals("org.example:lib:1.2", r.get(0).coordinates().toString());
        assertEquals(List.of("org.slf4j:*"), r.get(0).exclusions());
        assertEquals("org.example:lib:jar:tests:1.2", r.get(1).coordinates().toString());
        assertEquals(1, DependencyList.parse("<dependencies><dependency><groupId>g</groupId><artifactId>a</artifactId>"
                + "<version>1</version></dependency></dependencies>").size(), "a <dependencies> block as copied");
    }

    @Test
    void whatCannotBeResolvedIsOneClearLine() {
        assertMessage("<dependency><groupId>g</groupId><artifactId>a</artifactId></dependency>", "g:a: no <version>");
        assertMessage("<dependency><groupId>g</groupId><artifactId>a</artifactId><version>${v}</version></dependency>",
                "the version ${v} is a property");
        assertMessage("<dependency><groupId>g</groupId>", "cannot read the <dependency> elements");
        assertMessage("<project/>", "cannot read the <dependency> elements");
        assertMessage("g:a", "malformed coordinates 'g:a'");
    }

    private static void assertMessage(String body, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DependencyList.parse(body));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }
}
