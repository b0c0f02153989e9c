package dev.jbox.kernel.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** What {@link VarTypeGuess} guesses from text alone (the compiler checks every guess; see DirectPathAgreementTest). */
class VarTypeGuessTest {

    private final VarTypeGuess g = new VarTypeGuess();

    @Test
    void literalsAndArithmeticOnThemFollowJavasPromotions() {
        assertEquals("int", g.guess("var a = 21 * 2;"));
        assertEquals("int", g.guess("var a = 0x1F + 0b101 - 1_000;"));
        assertEquals("long", g.guess("var a = 3_000_000_000L;"));
        assertEquals("long", g.guess("var a = (1 + 2L) * 3;"));
        assertEquals("float", g.guess("var a = 1 / 2f;"));
        assertEquals("double", g.guess("var a = 1.5 + 2;"));
        assertEquals("double", g.guess("var a = 1e3;"));
        assertEquals("double", g.guess("var a = 0x1p3;"));
        assertEquals("char", g.guess("var a = 'x';"));
        assertEquals("int", g.guess("var a = 'x' + 1;"));
        assertEquals("boolean", g.guess("var a = true;"));
        assertEquals("java.lang.String", g.guess("var a = \"n\" + 1;"));
    }

    @Test
    void constructorCallsNameTheirType() {
        assertEquals("StringBuilder", g.guess("var a = new StringBuilder(\"x\");"));
        assertEquals("java.util.HashMap<String, List<Integer>>", g.guess("var a = new java.util.HashMap<String, List<Integer>>();"));
        assertNull(g.guess("var a = new ArrayList<>();"), "a diamond: the arguments decide");
        assertNull(g.guess("var a = new int[3];"));
        assertNull(g.guess("var a = new Object() { };"), "anonymous");
        assertNull(g.guess("var a = new StringBuilder().append(1);"), "more after the constructor");
    }

    @Test
    void aCallIsGuessedFromTheLastDeclarationThatCalledTheSameMethod() {
        assertNull(g.guess("var a = load(\"a.csv\");"));
        g.learned("var a = load(\"a.csv\");", "Table");
        assertEquals("Table", g.guess("var b = store.load(\"b.csv\");"));
        assertNull(g.guess("var c = other(1);"));
    }

    @Test
    void otherInitializersAreNotGuessed() {
        assertNull(g.guess("var a = x + 1;"));
        assertNull(g.guess("var a = 1 < 2;"));
        assertNull(g.guess("var a = flag ? 1 : 2;"));
        assertNull(g.guess("var a = (byte) 1;"));
        assertNull(g.guess("var a;"));
    }
}
