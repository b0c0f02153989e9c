package dev.jbox.kernel.eval;

import dev.jbox.kernel.display.RecordingCellOutput;
import java.util.List;

public class Explore {
    public static void main(String[] a) throws Exception {
        long t0 = System.nanoTime();
        JShellEvaluator ev = new JShellEvaluator(List.of());
        long t1 = System.nanoTime();
        ev.awaitReady();
        long t2 = System.nanoTime();
        RecordingCellOutput out = new RecordingCellOutput();
        EvalResult r = ev.evaluate("1+1", out);
        long t3 = System.nanoTime();
        System.err.println("construct " + (t1 - t0) / 1e6 + " ready " + (t2 - t0) / 1e6 + " first " + (t3 - t2) / 1e6 + " " + r);
        for (String c : a) {
            out = new RecordingCellOutput();
            long s = System.nanoTime();
            r = ev.evaluate(c, out);
            System.err.println("== " + c + " (" + (System.nanoTime() - s) / 1e6 + " ms)\n" + r + "\nout=" + out.stdout() + " err=" + out.stderr() + " ev=" + out.events());
            if (r.error() != null) r.error().traceback().forEach(l -> System.err.println("TB|" + l));
        }
        long s = System.nanoTime();
        for (int i = 0; i < 200; i++) ev.evaluate("1+1", out);
        System.err.println("200 evals avg ms " + (System.nanoTime() - s) / 1e6 / 200);
        ev.close();
    }
}
