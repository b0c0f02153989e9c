package dev.jbox.kernel.magic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParsingTest {

    private final MagicRegistry registry = MagicRegistry.standard();

    @Test
    void durations() {
        assertEquals(Duration.ofSeconds(30), Durations.parse("30s"));
        assertEquals(Duration.ofMinutes(10), Durations.parse("10m"));
        assertEquals(Duration.ofHours(2), Durations.parse("2h"));
        assertEquals(Duration.ofMinutes(90), Durations.parse("1h30m"));
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofSeconds(45), Durations.parse("45"));
        for (String bad : new String[] {"", "10x", "h", "1h 30m", "0s", "-5s"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad));
            assertTrue(e.getMessage().startsWith("bad duration"), e.getMessage());
        }
        assertEquals("1m05s", Durations.format(Duration.ofSeconds(65)));
    }

    @Test
    void sizes() {
        assertEquals(256 * 1024, ByteSizes.parse("256K"));
        assertEquals(1 << 20, ByteSizes.parse("1MB"));
        assertEquals(512 * 1024, ByteSizes.parse("512kb/s"));
        assertEquals(0, ByteSizes.parse("0"));
        assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse("lots"));
        assertEquals("1.5 KB", ByteSizes.format(1536));
    }

    @Test
    void tokenizerKeepsWhereWordsStart() {
        List<ArgTokenizer.Token> t = ArgTokenizer.tokenize("--name 'a b' echo \"x y\" | wc\\ -c");
        assertEquals(List.of("--name", "a b", "echo", "x y", "|", "wc -c"), t.stream().map(ArgTokenizer.Token::text).toList());
        assertEquals(7, t.get(1).start());
        assertThrows(IllegalArgumentException.class, () -> ArgTokenizer.tokenize("echo 'open"));
    }

    @Test
    void commandTailIsVerbatim() {
        MagicRegistry.Parsed p = registry.parse("bg", "--name web --env A=1 --env B=2 python3 -c 'print(\"%d\" % 5)' | tee x --name", null, false);
        BgMagic bg = (BgMagic) p.command();
        assertEquals("web", bg.name);
        assertEquals(2, bg.env.size());
        MagicContext ctx = new MagicContext(null, null, p.rawArgs(), p.tokens(), null);
        assertEquals("python3 -c 'print(\"%d\" % 5)' | tee x --name", ctx.rawTail(bg.command));
    }

    @Test
    void timeoutUsesDurations() {
        BgMagic bg = (BgMagic) registry.parse("bg", "--timeout 1h30m sleep 1", null, false).command();
        assertEquals(Duration.ofMinutes(90), bg.timeout);
        MagicException e = assertThrows(MagicException.class, () -> registry.parse("bg", "--timeout 5x sleep 1", null, false));
        assertTrue(e.getMessage().contains("bad duration '5x'"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void unknownMagicSuggestsClosestNames() {
        MagicException e = assertThrows(MagicException.class, () -> registry.parse("bgg", "", null, false));
        assertEquals("unknown magic %bgg (did you mean %bg?)", e.getMessage());
        assertEquals("UsageError", e.ename());
        e = assertThrows(MagicException.class, () -> registry.parse("lgos", "", null, false));
        assertTrue(e.getMessage().contains("%logs"), e.getMessage());
        e = assertThrows(MagicException.class, () -> registry.parse("zzzzzzzz", "", null, false));
        assertTrue(e.getMessage().contains("%lsmagic"), e.getMessage());
    }

    @Test
    void badOptionSuggestsClosestOption() {
        MagicException e = assertThrows(MagicException.class, () -> registry.parse("bg", "--nme x sleep 1", null, false));
        assertTrue(e.getMessage().startsWith("%bg: Unknown option: '--nme'"), e.getMessage());
        assertTrue(e.getMessage().contains("--name"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        e = assertThrows(MagicException.class, () -> registry.parse("ps", "--al", null, false));
        assertTrue(e.getMessage().contains("--all"), e.getMessage());
    }

    @Test
    void lineOnlyMagicsRefuseCellForm() {
        MagicException e = assertThrows(MagicException.class, () -> registry.parse("ps", "", "body", false));
        assertTrue(e.getMessage().contains("line magic"), e.getMessage());
    }

    @Test
    void helpComesFromPicocli() {
        MagicRegistry.Parsed p = registry.parse("bg", "--help", null, false);
        assertTrue(p.help().startsWith("Usage: %bg"), p.help());
        assertTrue(p.help().contains("--timeout=D"), p.help());
        assertEquals(p.help(), registry.parse("bg", "", null, true).help());
        assertTrue(registry.options("logs").containsAll(List.of("--tail", "--head", "--stderr", "--both", "--follow")));
        for (String n : registry.names()) assertTrue(registry.help(n).startsWith("Usage: %" + n), n);
    }

    @Test
    void logsStreamsExcludeEachOther() {
        MagicException e = assertThrows(MagicException.class, () -> registry.parse("logs", "p1 --stderr --both", null, false));
        assertTrue(e.getMessage().contains("mutually exclusive"), e.getMessage());
    }
}
