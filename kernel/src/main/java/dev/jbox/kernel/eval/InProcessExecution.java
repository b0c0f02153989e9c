package dev.jbox.kernel.eval;

import dev.jbox.kernel.display.CellOutput;
import dev.jbox.kernel.display.CurrentCell;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.jshell.execution.LocalExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControl.EngineTerminationException;
import jdk.jshell.spi.ExecutionControl.InternalException;
import jdk.jshell.spi.ExecutionControl.RunException;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * Runs snippets in this JVM, on a thread kept for them ({@link CellThread}) and bound to the cell's output for
 * each (threads a snippet starts inherit the binding). Keeps the value object of the last invocation, so a cell's
 * result can be rendered richly.
 *
 * <p>Stopping: the running snippet thread is interrupted at once (ends sleeps, waits, stdin reads); if it is still
 * alive after {@link #ESCALATE_AFTER_MILLIS}, it is forced: on JDKs whose {@link LocalExecutionControl} weaves stop
 * checks into snippet bytecode (JDK 22+), by raising that check's flag for that thread only (see
 * {@link TargetedStopCheck}); on older JDKs with {@code Thread.stop}. The thread waiting for the snippet is woken by
 * the stop request itself, not by a polling timer, so the whole stop takes about the escalation delay.
 */
final class InProcessExecution extends LocalExecutionControl {

    /**
     * How long an interrupted snippet may take to end by itself (a sleep or a read ends at once; code that checks
     * {@code Thread.interrupted()} ends at its next check) before it is forced. The jshell tool forces at once; a
     * short grace lets cooperative code run its finally blocks, and keeps interrupt to error reply under 100 ms.
     */
    static final long ESCALATE_AFTER_MILLIS = 30;
    /** The method JShell generates in each snippet's class to run it. */
    private static final String DO_IT = "do_it$";
    private static final Object NO_VALUE = new Object();
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final SnippetLoader loader;
    /** Where snippets run (see {@link CellThread}); replaced when a stop ended it. Used by the evaluating thread only. */
    private CellThread cellThread;
    private volatile CellOutput cell;
    private volatile Thread running;
    private volatile long stopRequestedAt;
    private volatile Object lastValue = NO_VALUE;
    /** Notified when the running snippet ends or a stop is requested: what {@link #awaitEnd} waits on. */
    private final Object runState = new Object();
    /** Invocations so far and the last invoked class: how the evaluator learns which class holds the snippet it just ran. */
    private long invocations;
    private String lastInvokedClass;
    private boolean stopHookReady;
    private Field stopCheckFlag;
    private Field stopCheckTarget;

    InProcessExecution(SnippetLoader loader) {
        super(loader);
        this.loader = loader;
    }

    /** Snippets from now on run for {@code output}; a pending stop is forgotten. */
    void beginCell(CellOutput output) {
        cell = output;
        stopRequestedAt = 0;
    }

    void endCell() {
        cell = null;
    }

    boolean stopRequested() {
        return stopRequestedAt != 0;
    }

    /** Called from any thread: stops the running snippet (see class comment). */
    void requestStop() {
        stopRequestedAt = System.nanoTime() | 1;
        Thread t = running;
        if (t != null) {
            t.interrupt();
        }
        synchronized (runState) {
            runState.notifyAll();
        }
    }

    /** The value the last invocation returned, once; {@link #hasValue} is false when there was none. */
    Object takeLastValue() {
        Object v = lastValue;
        lastValue = NO_VALUE;
        return v;
    }

    static boolean hasValue(Object v) {
        return v != NO_VALUE;
    }

    /** The text JShell shows for a value: strings and chars quoted and escaped, arrays with their elements. */
    static String jshellText(Object value) {
        return valueString(value);
    }

    @Override
    public void stop() {
        requestStop();
    }

    @Override
    public String invoke(String className, String methodName) throws RunException, InternalException, EngineTerminationException {
        invocations++;
        lastInvokedClass = className;
        return super.invoke(className, methodName);
    }

    /** A class of the session (a snippet's, or one of the class path's), by binary name. */
    Class<?> classNamed(String name) throws ClassNotFoundException {
        return findClass(name);
    }

    /** How many snippet classes were invoked so far (JShell's own runs and {@link #rerun} both count). */
    long invocations() {
        return invocations;
    }

    /** The class of the last invoked snippet, as JShell named it. */
    String lastInvokedClass() {
        return lastInvokedClass;
    }

    /**
     * Runs an already loaded snippet class again, as JShell ran it: on a cell thread, stoppable. Returns the value
     * it produced ({@link #hasValue} false when none).
     */
    Object rerun(String className) throws RunException, InternalException, EngineTerminationException {
        invoke(className, DO_IT); // resets the last value, as every invocation does
        return takeLastValue();
    }

    @Override
    protected String invoke(Method doit) throws Exception {
        installStopHook();
        lastValue = NO_VALUE;
        if (stopRequested()) {
            throw new ExecutionControl.StoppedException();
        }
        CellOutput target = cell;
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        boolean[] ended = new boolean[1];
        Runnable snippet = () -> {
            if (target != null) {
                CurrentCell.bind(target);
            } else {
                CurrentCell.clear();
            }
            try {
                result[0] = doit.invoke(null);
            } catch (Throwable e) {
                failure[0] = e;
            } finally {
                synchronized (runState) {
                    ended[0] = true;
                    runState.notifyAll();
                }
            }
        };
        CellThread worker = cellThread != null ? cellThread : newCellThread(); // a dead one refuses the offer below
        Thread t = worker.thread();
        running = t;
        if (stopRequested()) {
            running = null;
            throw new ExecutionControl.StoppedException();
        }
        if (!worker.offer(snippet, loader.classLoader())) {
            worker.retire();
            worker = newCellThread();
            t = worker.thread();
            running = t;
            if (!worker.offer(snippet, loader.classLoader())) {
                running = null;
                throw new ExecutionControl.InternalException("the cell's thread did not start");
            }
        }
        try {
            awaitEnd(t, ended);
        } finally {
            running = null;
        }
        if (stopRequested()) {
            throw new ExecutionControl.StoppedException();
        }
        if (failure[0] instanceof Exception e) {
            throw e;
        }
        if (failure[0] != null) {
            throw new InvocationTargetException(failure[0]);
        }
        lastValue = result[0];
        return valueString(result[0]);
    }

    private CellThread newCellThread() {
        cellThread = new CellThread("jbox-cell-" + THREADS.incrementAndGet(), loader.classLoader());
        return cellThread;
    }

    /** Waits until {@code ended[0]} (set under {@link #runState} by the snippet thread), forcing a stop when asked. */
    private void awaitEnd(Thread t, boolean[] ended) throws InterruptedException {
        boolean forced = false;
        try {
            synchronized (runState) {
                while (!ended[0] && t.isAlive()) { // a forced stop may kill the thread before it sets ended
                    long at = stopRequestedAt;
                    if (at == 0) {
                        runState.wait(1000); // woken by the end of the snippet or by a stop request
                        continue;
                    }
                    t.interrupt(); // again: the code may have swallowed the first one
                    long waited = System.nanoTime() - at;
                    long grace = TimeUnit.MILLISECONDS.toNanos(ESCALATE_AFTER_MILLIS);
                    if (!forced && waited >= grace) {
                        forced = true;
                        force(t);
                    }
                    runState.wait(forced ? 5 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(grace - waited)));
                }
            }
        } finally {
            if (forced) {
                setStopCheck(null); // background threads of earlier cells must not die of a stale flag
            }
        }
    }

    @SuppressWarnings({"deprecation", "removal"})
    private void force(Thread t) {
        if (stopCheckFlag != null) {
            setStopCheck(t);
            return;
        }
        try {
            t.stop();
        } catch (UnsupportedOperationException e) {
            StdStreams.kernelErr().println("jbox: cannot force the cell to stop on this JDK: " + e);
        }
    }

    /** Raises the woven stop check for {@code target} (only it stops, see {@link TargetedStopCheck}), or lowers it for null. */
    private void setStopCheck(Thread target) {
        if (stopCheckFlag != null) {
            try {
                if (stopCheckTarget != null && target != null) {
                    stopCheckTarget.set(null, target);
                }
                stopCheckFlag.setBoolean(null, target != null);
                if (stopCheckTarget != null && target == null) {
                    stopCheckTarget.set(null, null);
                }
            } catch (IllegalAccessException e) {
                StdStreams.kernelErr().println("jbox: cannot set the stop check: " + e);
            }
        }
    }

    /**
     * The JDK's LocalExecutionControl (JDK 22+) instruments loaded snippets with calls to a generated class that it
     * defines on its first invoke; running one no-op invoke through it defines that class, whose flag we then own.
     */
    private void installStopHook() throws Exception {
        if (stopHookReady) {
            return;
        }
        stopHookReady = true;
        Method noop = InProcessExecution.class.getDeclaredMethod("noop");
        noop.setAccessible(true);
        super.invoke(noop);
        try {
            Class<?> cancel = findClass(TargetedStopCheck.CLASS_NAME);
            stopCheckFlag = cancel.getField("allStop");
            stopCheckTarget = targetField(cancel);
        } catch (ClassNotFoundException | NoSuchFieldException e) {
            stopCheckFlag = null; // JDK without woven stop checks: Thread.stop works there
        }
    }

    /** The target field of {@link TargetedStopCheck}'s class; null if the JDK's own class is in use. */
    private static Field targetField(Class<?> cancel) {
        try {
            return cancel.getField("target");
        } catch (NoSuchFieldException e) {
            return null;
        }
    }

    @SuppressWarnings("unused")
    private static void noop() {
    }

    /** Hands JShell this instance as its execution engine. */
    static final class Provider implements ExecutionControlProvider {

        private final InProcessExecution execution;

        Provider(InProcessExecution execution) {
            this.execution = execution;
        }

        @Override
        public String name() {
            return "jbox-in-process";
        }

        @Override
        public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
            return execution;
        }
    }
}
