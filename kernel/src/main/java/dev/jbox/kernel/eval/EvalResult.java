package dev.jbox.kernel.eval;

import dev.jbox.kernel.display.MimeBundle;
import java.util.List;

/**
 * Outcome of evaluating a cell: {@code value} is the last expression's rendering (null when the cell ends
 * with a statement or declaration); on failure {@code error} is set and {@code value} is null.
 */
public record EvalResult(MimeBundle value, EvalError error) {

    public static EvalResult ok(MimeBundle value) {
        return new EvalResult(value, null);
    }

    public static EvalResult failed(String ename, String evalue, List<String> traceback) {
        return new EvalResult(null, new EvalError(ename, evalue, List.copyOf(traceback)));
    }

    public boolean isError() {
        return error != null;
    }

    /** The {@code error} content of the Jupyter protocol. Traceback lines may hold ANSI colours. */
    public record EvalError(String ename, String evalue, List<String> traceback) {
    }
}
