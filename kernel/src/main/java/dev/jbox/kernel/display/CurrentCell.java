package dev.jbox.kernel.display;

/**
 * The {@link CellOutput} that code on the current thread writes to. Inherited by threads a cell starts, so
 * a background thread keeps writing into the cell that started it, after that cell finished too.
 */
public final class CurrentCell {

    private static final InheritableThreadLocal<CellOutput> CELL = new InheritableThreadLocal<>();

    private CurrentCell() {
    }

    /** Binds {@code output} to this thread and to the threads it starts from now on. */
    public static void bind(CellOutput output) {
        CELL.set(output);
    }

    /** Unbinds this thread: its output goes to the kernel's own streams again. */
    public static void clear() {
        CELL.remove();
    }

    /** The cell this thread belongs to, or null for the kernel's own threads. */
    public static CellOutput get() {
        return CELL.get();
    }
}
