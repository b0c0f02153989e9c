package dev.jbox.kernel.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which imports a cell's compilation carries (DirectPathAgreementTest checks that this never changes a meaning). */
class CellImportsTest {

    private final CellImports imports = new CellImports();

    @Test
    void everyImportIsCarriedUntilTheNamesItBringsInAreKnown() {
        imports.add("import java.util.*;");
        imports.add("import java.time.*;");
        assertEquals("import java.util.*; import java.time.*; ", imports.linesFor(Set.of("x")));
        imports.learnMembers();
        assertEquals("", imports.linesFor(Set.of("x", "y")));
        assertEquals("import java.util.*; ", imports.linesFor(Set.of("List", "of")));
        assertEquals("import java.time.*; ", imports.linesFor(Set.of("Duration")));
        assertEquals("import java.util.*; import java.time.*; ", imports.linesFor(Set.of("Map", "Instant")));
    }

    @Test
    void aSingleTypeImportIsCarriedWhenItsSimpleNameIsMentioned() {
        imports.add("import java.sql.Date;");
        imports.add("import static java.lang.Math.max;");
        imports.learnMembers();
        assertEquals("", imports.linesFor(Set.of("x")));
        assertEquals("import java.sql.Date; ", imports.linesFor(Set.of("Date", "valueOf")));
        assertEquals("import static java.lang.Math.max; ", imports.linesFor(Set.of("max")));
        imports.add("import java.util.Date;"); // replaces the import of the same simple name, as in JShell
        assertEquals("import java.util.Date; import static java.lang.Math.max; ", imports.linesFor(Set.of("Date", "max")));
    }

    @Test
    void aStaticOnDemandImportBringsInTheClassesStaticMembers() {
        imports.add("import static java.lang.Math.*;");
        imports.add("import static dev.jbox.kernel.display.Display.*;");
        imports.learnMembers();
        assertEquals("import static java.lang.Math.*; ", imports.linesFor(Set.of("abs", "PI")));
        assertEquals("import static dev.jbox.kernel.display.Display.*; ", imports.linesFor(Set.of("display", "html")));
        assertEquals("", imports.linesFor(Set.of("toString", "hashCode")), "instance methods are not imported");
    }

    @Test
    void importsWhoseNamesCannotBeListedAreAlwaysCarried() {
        imports.add("import java.util.Map.*;");          // a class's member types, not a package
        imports.add("import org.example.nowhere.*;");    // a library's package, or none at all
        imports.add("import static org.example.Nowhere.*;");
        imports.learnMembers();
        String lines = imports.linesFor(Set.of("x"));
        assertTrue(lines.contains("import java.util.Map.*;"), lines);
        assertTrue(lines.contains("import org.example.nowhere.*;"), lines);
        assertTrue(lines.contains("import static org.example.Nowhere.*;"), lines);
    }

    @Test
    void packagesOnTheClassPathAreLearnedFromItAndAgainWhenItChanges() {
        imports.add("import java.util.*;");
        imports.add("import org.example.lib.*;");
        Map<String, Set<String>> classPath = new HashMap<>(Map.of("org.example.lib", Set.of("Client")));
        imports.learnMembers();
        imports.learnClassPathMembers(pkg -> classPath.getOrDefault(pkg, Set.of()));
        assertEquals("", imports.linesFor(Set.of("x")));
        assertEquals("import org.example.lib.*; ", imports.linesFor(Set.of("Client")));
        classPath.put("org.example.lib", Set.of("Client", "Server")); // a second jar with classes of that package
        imports.forgetClassPathMembers();
        assertEquals("import org.example.lib.*; ", imports.linesFor(Set.of("x")), "unknown again until learned");
        imports.learnClassPathMembers(pkg -> classPath.getOrDefault(pkg, Set.of()));
        assertEquals("import org.example.lib.*; ", imports.linesFor(Set.of("Server")));
        assertEquals("import java.util.*; ", imports.linesFor(Set.of("List")), "what the JDK's image says stays");
    }

    @Test
    void notAnImportIsRefused() {
        assertFalse(imports.add("int x = 1;"));
        assertEquals("", imports.linesFor(Set.of("int", "x")));
    }
}
