package dev.jbox.kernel.magic;

/** One piece of a cell, in the order it runs. {@code offset} is where it starts in the cell's text. */
public sealed interface CellPart {

    int offset();

    /** Java code for the wrapped evaluator. */
    record Java(String code, int offset) implements CellPart {
    }

    /** {@code %name args} (or {@code !cmd}, which is {@code %sh cmd}); {@code help} for {@code %name?}. */
    record LineMagic(String name, String args, boolean help, int offset) implements CellPart {
    }

    /** {@code %%name args} on the first line, the rest of the cell as {@code body}. */
    record CellMagic(String name, String args, String body, boolean help, int offset) implements CellPart {
    }
}
