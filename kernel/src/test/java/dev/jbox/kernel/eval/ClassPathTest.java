package dev.jbox.kernel.eval;

import static dev.jbox.kernel.eval.SharedEvaluator.run;
import static dev.jbox.kernel.eval.SharedEvaluator.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbox.kernel.testing.TestJars;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Evaluator#addToClassPath}: the one way libraries reach a session. After it, later snippets compile against
 * and load the new classes, threads of cells see them, completion and inspection know them, and texts compiled
 * before are compiled again.
 */
class ClassPathTest {

    @TempDir
    static Path tmp;

    private final JShellEvaluator ev = SharedEvaluator.get();

    @BeforeAll
    static void addLibraries() {
        Path greeter = TestJars.jar(tmp.resolve("greeter.jar"), Map.of("cptest/greet/Greeter.java", """
                package cptest.greet;
                public class Greeter {
                    public static String hello(String name) { return "hello " + name; }
                    public String shout(String name) { return hello(name).toUpperCase(); }
                }
                """));
        Path classes = TestJars.classes(tmp.resolve("classes"), Map.of("cptest/dir/Answer.java", """
                package cptest.dir;
                public class Answer { public static int value() { return 42; } }
                """));
        // Before: the classes are unknown, to the compiler and to a thread that will look them up later.
        EvalResult unknown = run("cptest.greet.Greeter.hello(\"x\")");
        assertNotNull(unknown.error(), "the class must not be visible before it is added");
        assertEquals("CompileError", unknown.error().ename());
        run("""
                var cpLatch = new java.util.concurrent.CountDownLatch(1);
                var cpFound = new java.util.concurrent.atomic.AtomicReference<String>();
                var cpEarlyThread = new Thread(() -> {
                    try {
                        cpLatch.await();
                        Class<?> c = Class.forName("cptest.greet.Greeter", true, Thread.currentThread().getContextClassLoader());
                        cpFound.set((String) c.getMethod("hello", String.class).invoke(null, "early"));
                    } catch (Exception e) {
                        cpFound.set(e.toString());
                    }
                });
                cpEarlyThread.start();
                """);
        SharedEvaluator.get().addToClassPath(List.of(greeter, classes));
    }

    @Test
    void laterCellsImportAndUseTheNewClasses() {
        assertEquals("\"hello a\"", text(run("import cptest.greet.Greeter;\nGreeter.hello(\"a\")")));
        assertEquals("\"HELLO B\"", text(run("new Greeter().shout(\"b\")")));
        assertEquals("42", text(run("cptest.dir.Answer.value()")), "class directories work as jars do");
    }

    @Test
    void threadsStartedByCellsSeeTheClasses() {
        assertEquals("\"hello thread\"", text(run("""
                var cpResult = new java.util.concurrent.atomic.AtomicReference<String>();
                Thread cpT = new Thread(() -> cpResult.set(cptest.greet.Greeter.hello("thread")));
                cpT.start();
                cpT.join();
                cpResult.get()
                """)));
    }

    @Test
    void aThreadStartedBeforeTheClassesWereAddedFindsThemThroughItsContextLoader() {
        assertEquals("\"hello early\"", text(run("cpLatch.countDown();\ncpEarlyThread.join(10_000);\ncpFound.get()")));
    }

    @Test
    void completionKnowsTheNewPackagesAndMembers() throws InterruptedException {
        // Package names come from JShell's class path index, which newer JDKs rebuild in the background after
        // addToClasspath: they appear within moments, not necessarily at once.
        String pkg = "cptest.gr";
        List<String> packages = ev.complete(pkg, pkg.length()).matches();
        for (int i = 0; i < 200 && !packages.contains("greet."); i++) {
            Thread.sleep(50);
            packages = ev.complete(pkg, pkg.length()).matches();
        }
        assertTrue(packages.contains("greet."), packages.toString());
        String member = "cptest.greet.Greeter.hel";
        List<String> matches = ev.complete(member, member.length()).matches();
        assertTrue(matches.stream().anyMatch(m -> m.startsWith("hello(")), matches.toString());
    }

    @Test
    void inspectionShowsTheSignature() {
        String code = "cptest.greet.Greeter.hello";
        Optional<Inspection> doc = ev.inspect(code, code.length(), 0);
        assertTrue(doc.isPresent(), "no documentation for " + code);
        assertTrue(doc.get().plainText().contains("Greeter.hello(String)"), doc.get().plainText());
    }

    /** Compilations carry an on-demand import only for the names its package holds (CellImports): they follow the class path. */
    @Test
    void anOnDemandImportOfALibraryPackageBringsInClassesAddedToItLater() {
        ev.addToClassPath(List.of(TestJars.jar(tmp.resolve("split1.jar"), Map.of("cptest/split/First.java",
                "package cptest.split; public class First { public static int one() { return 1; } }"))));
        run("import cptest.split.*;");
        long viaJShell = ev.jshellSnippetCount();
        assertEquals("1", text(run("First.one()")));
        assertEquals("2", text(run("1 + First.one()")));
        ev.addToClassPath(List.of(TestJars.jar(tmp.resolve("split2.jar"), Map.of("cptest/split/Second.java",
                "package cptest.split; public class Second { public static int two() { return 2; } }"))));
        assertEquals("2", text(run("Second.two()")));
        assertEquals("3", text(run("First.one() + Second.two()")));
        assertEquals(viaJShell, ev.jshellSnippetCount(), "the direct path compiled them all, with the import");
    }

    @Test
    void textsCompiledBeforeAreCompiledAgain() {
        run("int cpCounter = 0;");
        assertEquals("1", text(run("++cpCounter")));
        long before = ev.snippetCount();
        assertEquals("2", text(run("++cpCounter")));
        assertEquals(before, ev.snippetCount(), "precondition: the same text runs again without compiling");
        ev.addToClassPath(List.of(TestJars.jar(tmp.resolve("other.jar"), Map.of("cptest/other/Other.java", "package cptest.other; public class Other {}"))));
        assertEquals("3", text(run("++cpCounter")));
        assertEquals(before + 1, ev.snippetCount(), "the class path changed: the text was compiled again");
        assertEquals("4", text(run("++cpCounter")));
        assertEquals(before + 1, ev.snippetCount(), "and then runs again without compiling");
    }
}
