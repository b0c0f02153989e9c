package dev.jbox.kernel;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbox.kernel.eval.StdStreams;
import dev.jbox.kernel.wire.ConnectionInfo;
import dev.jbox.kernel.wire.FrameCodec;
import dev.jbox.kernel.wire.Message;
import dev.jbox.kernel.wire.MessageFactory;
import dev.jbox.kernel.wire.Signer;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * A short scripted session against a real kernel on loopback: kernel_info, cells of every shape the evaluator
 * compiles (and one it leaves to JShell), output, a {@code %bg} magic, completion, inspection, shutdown. The
 * installer runs it once to make the start-up cache: an AOT cache on JDK 25+ ({@code -XX:AOTCacheOutput}), a
 * class-data archive before ({@code -XX:ArchiveClassesAtExit}).
 */
public final class Training {

    private Training() {
    }

    public static void main(String[] args) throws Exception {
        KernelLog.configure("warning", StdStreams.kernelErr());
        int[] ports = freePorts(5);
        String key = UUID.randomUUID().toString();
        ConnectionInfo info = new ConnectionInfo("tcp", "127.0.0.1", ports[0], ports[1], ports[2], ports[3], ports[4], key, "hmac-sha256");
        Kernel kernel = Kernel.start(info, EvaluatorFactory::create, History.open(null)); // not the user's history
        ObjectMapper json = new ObjectMapper();
        FrameCodec codec = new FrameCodec(json, new Signer(key));
        MessageFactory factory = new MessageFactory(json);
        try (ZMQ.Context ctx = ZMQ.context(1)) {
            ZMQ.Socket shell = ctx.socket(SocketType.DEALER);
            ZMQ.Socket iopub = ctx.socket(SocketType.SUB);
            iopub.subscribe(new byte[0]);
            iopub.connect(info.endpoint(info.iopubPort()));
            shell.setReceiveTimeOut(120_000);
            shell.connect(info.endpoint(info.shellPort()));
            request(shell, codec, factory, "kernel_info_request", Map.of());
            request(shell, codec, factory, "execute_request", Map.of("code", "System.out.println(\"warm\");\nint x = 1 + 1;\nx", "silent", false));
            request(shell, codec, factory, "execute_request", Map.of("code", "display(html(\"<b>x</b>\"));", "silent", false));
            for (int i = 0; i < 3; i++) {
                String cell = ("var w%d = 2 * 21;\nint f%d(int a) { return a + w%d; }\nclass C%d { int v = f%d(1); }\n"
                        + "for (int i = 0; i < 3; i++) { }\nList.of(1, 2).stream().map(n -> n * w%d).collect(Collectors.toList());\n"
                        + "new C%d().v").replace("%d", Integer.toString(i));
                request(shell, codec, factory, "execute_request", Map.of("code", cell, "silent", false));
            }
            request(shell, codec, factory, "execute_request", Map.of("code", "final int fin = 1;\nint bad = \"x\";", "silent", false));
            request(shell, codec, factory, "execute_request", Map.of("code",
                    "for (int i = 0; i < 2000; i++) System.out.println(\"line \" + i);", "silent", false));
            request(shell, codec, factory, "execute_request", Map.of("code", "%bg --name training true\n%wait training", "silent", false));
            request(shell, codec, factory, "complete_request", Map.of("code", "Str", "cursor_pos", 3));
            request(shell, codec, factory, "inspect_request", Map.of("code", "Math.max", "cursor_pos", 8, "detail_level", 0));
            request(shell, codec, factory, "is_complete_request", Map.of("code", "int y ="));
            shell.close();
            iopub.close();
        }
        kernel.stop();
        System.exit(0);
    }

    private static void request(ZMQ.Socket shell, FrameCodec codec, MessageFactory factory, String type, Map<String, Object> content)
            throws Exception {
        List<byte[]> frames = codec.encode(factory.create(type, null, content, List.of()));
        for (int i = 0; i < frames.size() - 1; i++) {
            shell.sendMore(frames.get(i));
        }
        shell.send(frames.get(frames.size() - 1), 0);
        List<byte[]> reply = new ArrayList<>();
        byte[] f = shell.recv(0);
        if (f == null) {
            throw new IOException("no reply to " + type);
        }
        reply.add(f);
        while (shell.hasReceiveMore()) {
            reply.add(shell.recv(0));
        }
        Message m = codec.decode(reply);
        if (!m.msgType().equals(type.replace("_request", "_reply"))) {
            throw new IOException("unexpected " + m.msgType());
        }
    }

    private static int[] freePorts(int n) throws IOException {
        int[] ports = new int[n];
        List<ServerSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                open.add(s);
                ports[i] = s.getLocalPort();
            }
        } finally {
            for (ServerSocket s : open) {
                s.close();
            }
        }
        return ports;
    }
}
