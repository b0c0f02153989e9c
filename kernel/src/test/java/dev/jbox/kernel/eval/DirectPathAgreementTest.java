package dev.jbox.kernel.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jbox.kernel.display.RecordingCellOutput;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The direct path and JShell agree: the same cells, run through an evaluator with the direct path and one with
 * JShell alone, show the same values, output and errors (values, stdout, stderr, error name, message and traceback).
 * Each test also checks how many of its snippets JShell had to evaluate, so that agreement does not come from the
 * direct path leaving everything to JShell.
 */
class DirectPathAgreementTest {

    private static final JShellEvaluator DIRECT = new JShellEvaluator(List.of(), true);
    private static final JShellEvaluator JSHELL = new JShellEvaluator(List.of(), false);

    /** Runs {@code cells} in both evaluators and compares them cell by cell; returns how many JShell snippets the direct one added. */
    private static long agree(String... cells) {
        long before = DIRECT.jshellSnippetCount();
        List<String> direct = new ArrayList<>();
        List<String> jshell = new ArrayList<>();
        for (String cell : cells) {
            direct.add(transcript(DIRECT, cell));
            jshell.add(transcript(JSHELL, cell));
            assertEquals(jshell.get(jshell.size() - 1), direct.get(direct.size() - 1), "cell: " + cell);
        }
        return DIRECT.jshellSnippetCount() - before;
    }

    private static String transcript(JShellEvaluator ev, String cell) {
        RecordingCellOutput out = new RecordingCellOutput();
        EvalResult r = ev.evaluate(cell, out);
        StringBuilder b = new StringBuilder();
        if (r.value() != null) {
            b.append("value: ").append(r.value().data().get("text/plain")).append('\n');
        }
        if (r.error() != null) {
            b.append("error: ").append(r.error().ename()).append(": ").append(r.error().evalue()).append('\n');
            r.error().traceback().forEach(l -> b.append("  | ").append(l).append('\n'));
        }
        b.append("stdout: ").append(out.stdout()).append("\nstderr: ").append(out.stderr());
        return b.toString();
    }

    @Test
    void expressionsStatementsAndValuesOfEveryKind() {
        long viaJShell = agree("1 + 1", "'c'", "\"str\"", "new int[] {1, 2}", "null", "(Object) null", "3_000_000_000L",
                "2.0f", "5 / 2.0", "1 < 2", "List.of(1, 2)", "\"la\" + \"st\"",
                "System.out.println(\"p\")", "List.of(1, 2).forEach(System.out::println)", "System.out.printf(\"%d%n\", 5) != null",
                "for (int i = 0; i < 3; i++) System.out.print(i);", "if (1 < 2) System.out.println(\"yes\");",
                "try { throw new RuntimeException(\"t\"); } catch (RuntimeException e) { System.out.println(e.getMessage()); }",
                "{ int local = 5; System.out.println(local); }", "1 +\n  2;", "1 + 1 // a comment");
        assertEquals(0, viaJShell, "all of these take the direct path");
    }

    @Test
    void variablesAreDeclaredReplacedAndRetyped() {
        long viaJShell = agree("int av = 1;", "av + 1", "int av = 5;", "av", "String av = \"x\";", "av.length()",
                "var alist = new ArrayList<String>();", "alist.add(\"q\")", "alist", "var amap = Map.of(\"k\", 1);",
                "amap.get(\"k\") + 1", "int[] aarr = {1, 2, 3};", "aarr.length", "long abig;", "abig", "av = \"y\"", "av",
                "var ait = List.of(1, 2).iterator();", "ait.next() + ait.next()",
                "int aw = 20;\nint ax = 22;\naw + ax");
        assertEquals(0, viaJShell, "all of these take the direct path");
    }

    @Test
    void varTypesAreTheInferredOnesWhateverTheGuess() {
        long viaJShell = agree("var gi = 5 * 2;", "((Object) gi).getClass()", "var gl = 5 * 2L;", "((Object) gl).getClass()",
                "var gf = 1 / 2f;", "((Object) gf).getClass()", "var gd = 0x1p3 + 1;", "((Object) gd).getClass()",
                "var gc = 'a';", "((Object) gc).getClass()", "var gci = -'a' + 1;", "((Object) gci).getClass()",
                "var gs = \"n\" + 1 + 2;", "gs", "var gb = true;", "((Object) gb).getClass()", "var gbig = 2147483647 + 1;", "gbig",
                // a call's type is guessed from the last declaration that called the same method: wrong here each time
                "var gm1 = Math.max(1, 2);", "var gm2 = Math.max(1L, 2L);", "((Object) gm2).getClass()",
                "var gm3 = Math.max(1.5, 2);", "((Object) gm3).getClass()",
                // a wrong guess that compiles (an int stored in a long field) must not stand either
                "var gw1 = Math.abs(-2L);", "var gw2 = Math.abs(-2);", "((Object) gw2).getClass()",
                "var gn = new ArrayList<Integer>(List.of(3));", "gn.get(0) + 1", "gn.getClass()",
                "var gdia = new ArrayList<>(List.of(\"d\"));", "gdia.get(0).length()",
                // the learned type is a session class the second call does not name
                "class GPt { int x = 4; }", "GPt gmake() { return new GPt(); }", "var gp1 = gmake();", "var gp2 = gmake();", "gp2.x");
        assertEquals(0, viaJShell, "all of these take the direct path");
        agree("class GPt { int x = 5; }", "var gp3 = gmake();", "gp3.x"); // JShell's now: they depend on GPt
    }

    @Test
    void methodsAreDeclaredReplacedAndOverloaded() {
        agree("int msq(int x) { return x * x; }", "msq(4)", "int msq(int x) { return x * x * x; }", "msq(2)",
                "long msq(long x) { return -x; }", "msq(3L)", "msq(3)",
                "void mhello() { System.out.println(\"hi\"); }", "mhello()",
                "<T> List<T> mtwice(T t) { return List.of(t, t); }", "mtwice(\"z\")",
                "int mrec(int n) { return n == 0 ? 0 : 1 + mrec(n - 1); }", "mrec(5)");
    }

    @Test
    void classesRecordsInterfacesAndEnums() {
        long viaJShell = agree("class CP { int v = 1; int v() { return v; } }", "new CP().v()", "record CR(int x) { }", "new CR(3)",
                "CR cr = new CR(4);", "cr.x()", "class CP { int v = 2; int v() { return v * 10; } }", "new CP().v()",
                "interface CShape { double area(); }", "CShape unit = () -> 1.0;", "unit.area()",
                "enum CColor { RED, GREEN }", "CColor.GREEN", "CColor.values().length",
                "class CQ extends CP { int v() { return 7; } }", "new CQ().v()");
        assertEquals(0, viaJShell, "all of these take the direct path");
    }

    @Test
    void redefiningWhatOthersDependOnUpdatesThemAsJShellDoes() {
        agree("int dbase = 10;", "int dplus(int x) { return x + dbase; }", "dplus(1)", "int dbase = 20;", "dplus(1)",
                "String dbase = \"s\";", "dplus(1)", "int dbase = 3;", "dplus(1)");
        agree("class DBox { int v = 7; }", "DBox dbox = new DBox();", "dbox.v", "class DBox { int v = 8; }", "dbox", "new DBox().v");
        agree("int dtwice(int x) { return 2 * x; }", "int dquad(int x) { return dtwice(dtwice(x)); }", "dquad(3)",
                "int dtwice(int x) { return 3 * x; }", "dquad(3)");
    }

    @Test
    void forwardReferencesWaitForTheirDeclaration() {
        agree("int fcalls() { return flater() + 1; }", "fcalls()", "int flater() { return 41; }", "fcalls()");
        agree("class FNode { FNext next; }", "class FNext { int n = 5; }", "new FNode().next == null");
    }

    @Test
    void errorsReadTheSame() {
        agree("int eok = 1;\nint e1 = \"text\";", "eundefined + 1", "Integer.parseInt(\"zz\")",
                "void ethrower(int n) {\n  if (n == 0) throw new IllegalStateException(\"boom\");\n  ethrower(n - 1);\n}\nethrower(1)",
                "ethrower(2)", "int eaa = 1;\n\nint ebb = eaa / 0;", "ebb", "x -> x", "int emissing()", "throw new IllegalArgumentException(\"direct\");",
                "List.of(1).stream()\n    .map(i -> i / 0)\n    .count()", "String enull = null;", "enull.length()");
    }

    @Test
    void importsJoinTheSession() {
        long viaJShell = agree("import java.util.concurrent.atomic.AtomicLong;", "new AtomicLong(5).incrementAndGet()",
                "import static java.lang.Math.*;", "max(3, 9)", "AtomicLong ial = new AtomicLong(2);", "ial.get() + abs(-1)");
        assertEquals(2, viaJShell, "only the imports went through JShell");
    }

    /** Each compilation carries only the imports its text may use (CellImports): what names mean must not change. */
    @Test
    void namesMeanWhatTheSessionsImportsMakeThemMean() {
        long viaJShell = agree("1 + 2", "Duration.ofSeconds(90).toMinutes()", "Pattern.compile(\"a+\").matcher(\"aa\").matches()",
                "new BigDecimal(\"1.50\").scale()", "TimeUnit.SECONDS.toMillis(2)", "Function<Integer, Integer> nf = x -> x + 1;",
                "nf.apply(2)", "Stream.of(1, 2).map(nf).toList()", "Files.isDirectory(Path.of(\"/\"))", "URI.create(\"a:b\").getScheme()",
                "var nlist = new ArrayList<Integer>();", "nlist.getClass()",
                // a session class shadows the default imports' class of the same name
                "class Random { int next() { return 4; } }", "new Random().next()",
                // a single-type import shadows an on-demand one
                "import java.sql.Date;", "Date.valueOf(\"2020-01-02\").getClass()",
                // a name two on-demand imports bring in is ambiguous
                "import javax.management.timer.*;", "Timer nambiguous = null;",
                "import static java.lang.Math.*;", "max(2, 7) + abs(-1)", "PI > 3",
                "import java.util.Map.*;", "Entry<String, Integer> nentry = Map.entry(\"k\", 1);", "nentry.getKey()");
        assertEquals(4 + 1, viaJShell, "the imports, and the ambiguous declaration that fails on both paths, went through JShell");
    }

    @Test
    void declarationsJShellMadeAreUsedByTheDirectPathAndTheOtherWay() {
        agree("final int jfin = 3;", "jfin + 1", "int jusesFin() { return jfin; }", "jusesFin()",
                "int jplain = 4;", "static int jstat() { return jplain * 2; }", "jstat()", "jplain = 5", "jstat()",
                "int jdual = 1;", "int jdual() { return 2; }", "jdual + jdual()",
                "class JCls { int v = 9; }", "final JCls jobj = new JCls();", "jobj.v", "int jget() { return jobj.v + 1; }", "jget()",
                "int jsum(int a) { return a + jplain; }", "final int jviaMirror = jsum(1) + jdual;", "jviaMirror");
    }
}
