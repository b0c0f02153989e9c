package dev.jbox.kernel.magic;

import dev.jbox.client.Sandbox;

/**
 * What notebook code sees of the magics' session; imported statically into every jbox JShell session.
 *
 * <pre>{@code
 * CommandHandle h = sandbox().commands().start("sleep 2; echo done");   // listed by %ps too
 * jobs().get(h.id()).waitFor();
 * jobs().get("web").stdout();
 * }</pre>
 */
public final class SessionApi {

    private static volatile MagicSession session;

    private SessionApi() {
    }

    /** The session's sandbox (the same one {@code %bg} and {@code %sh} use). */
    public static Sandbox sandbox() {
        return current().sandbox();
    }

    /** The session's processes by id (and by name with {@code get}). */
    public static Jobs jobs() {
        return new Jobs(current().sandbox());
    }

    static void bind(MagicSession s) {
        session = s;
    }

    static void unbind(MagicSession s) {
        if (session == s) session = null;
    }

    private static MagicSession current() {
        MagicSession s = session;
        if (s == null) throw new IllegalStateException("no jbox kernel session is running in this JVM");
        return s;
    }
}
