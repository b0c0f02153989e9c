package dev.jbox.kernel.magic;

import dev.jbox.kernel.display.CellOutput;
import dev.jbox.kernel.display.MimeBundle;
import dev.jbox.kernel.eval.Completeness;
import dev.jbox.kernel.eval.Completion;
import dev.jbox.kernel.eval.EvalResult;
import dev.jbox.kernel.eval.Evaluator;
import dev.jbox.kernel.eval.Inspection;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Stands in for the JShell evaluator in the splitting tests: records the Java chunks it gets; a chunk is
 * complete when its brackets balance, its text blocks are closed and it ends with ';' or '}'.
 */
final class JavaRecorder implements Evaluator {

    final List<String> evaluated = new ArrayList<>();
    boolean interrupted;
    boolean closed;

    @Override
    public EvalResult evaluate(String code, CellOutput output) {
        evaluated.add(code);
        return EvalResult.ok(MimeBundle.text("java:" + code.strip()));
    }

    @Override
    public EvalResult evaluateExpression(String expression, CellOutput output) {
        return evaluate(expression, output);
    }

    @Override
    public void interrupt() {
        interrupted = true;
    }

    @Override
    public Completion complete(String code, int cursor) {
        return new Completion(List.of("java@" + cursor + ":" + code.substring(0, cursor)), cursor, cursor);
    }

    @Override
    public Optional<Inspection> inspect(String code, int cursor, int detailLevel) {
        return Optional.of(new Inspection("java doc", null));
    }

    @Override
    public Completeness isComplete(String code) {
        int depth = 0;
        for (char c : code.toCharArray()) {
            if (c == '(' || c == '{' || c == '[') depth++;
            if (c == ')' || c == '}' || c == ']') depth--;
        }
        int blocks = code.split("\"\"\"", -1).length - 1;
        String t = code.strip();
        boolean ends = t.endsWith(";") || t.endsWith("}");
        return depth == 0 && blocks % 2 == 0 && ends ? Completeness.complete() : Completeness.incomplete("    ");
    }

    @Override
    public void addToClassPath(java.util.List<java.nio.file.Path> entries) {
        throw new UnsupportedOperationException("not used by these tests");
    }

    @Override
    public MimeBundle render(Object value) {
        return MimeBundle.text(String.valueOf(value));
    }

    @Override
    public void close() {
        closed = true;
    }
}
