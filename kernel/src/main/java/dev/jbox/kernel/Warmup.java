package dev.jbox.kernel;

import dev.jbox.kernel.eval.Evaluator;
import dev.jbox.kernel.wire.Contents;
import dev.jbox.kernel.wire.Message;
import dev.jbox.kernel.wire.Signer;
import dev.jbox.kernel.wire.WireCodec;
import java.util.List;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The class-loading path of a kernel's first seconds, run once at install time under
 * {@code -XX:ArchiveClassesAtExit} so that the installed kernel starts from a class-data-sharing archive.
 */
final class Warmup {

    private Warmup() {
    }

    static void run() throws Exception {
        WireCodec codec = new WireCodec(new Signer("warmup-key"));
        MessageFactory messages = new MessageFactory();
        Message info = messages.create(null, "kernel_info_request", java.util.Map.of());
        codec.decode(codec.encode(messages.create(info, "execute_request",
                new Contents.ExecuteRequest("1", false, true, java.util.Map.of(), true, true))));
        try (ZContext context = new ZContext(1)) {
            for (SocketType type : List.of(SocketType.ROUTER, SocketType.PUB, SocketType.REP)) {
                ZMQ.Socket s = context.createSocket(type);
                s.bindToRandomPort("tcp://127.0.0.1");
                s.close();
            }
        }
        try (Evaluator evaluator = Main.createEvaluator()) {
            DiscardedOutput out = new DiscardedOutput();
            evaluator.evaluate("int warm = 1;\nSystem.out.println(warm);\nwarm + 1", out);
            evaluator.evaluate("throw new RuntimeException()", out);
            evaluator.complete("Math.m", 6);
            evaluator.inspect("Math.max", 8, 0);
            evaluator.isComplete("void f() {");
        }
    }
}
