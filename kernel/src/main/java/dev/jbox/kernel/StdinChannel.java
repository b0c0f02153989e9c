package dev.jbox.kernel;

import dev.jbox.kernel.wire.BadMessageException;
import dev.jbox.kernel.wire.Contents;
import dev.jbox.kernel.wire.Json;
import dev.jbox.kernel.wire.Message;
import dev.jbox.kernel.wire.WireCodec;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * Owns the stdin ROUTER socket. Cells ask for input through a queue; this thread sends the {@code input_request}
 * and completes the caller's future with the {@code input_reply}. An interrupted caller abandons its request.
 */
final class StdinChannel {

    private static final Logger LOG = Logger.getLogger(StdinChannel.class.getName());

    private record Pending(Message request, CompletableFuture<String> answer) {
    }

    private final BlockingQueue<Pending> requests = new LinkedBlockingQueue<>();
    private final MessageFactory messages;

    StdinChannel(ZContext context, String address, WireCodec codec, MessageFactory messages) {
        this.messages = messages;
        ZMQ.Socket socket = context.createSocket(SocketType.ROUTER);
        socket.setLinger(0);
        socket.bind(address);
        Thread t = new Thread(() -> run(socket, codec), "jbox-stdin");
        t.setDaemon(true);
        t.start();
    }

    String read(Message parent, String prompt, boolean password) throws InterruptedException {
        CompletableFuture<String> answer = new CompletableFuture<>();
        requests.add(new Pending(messages.create(parent, "input_request", new Contents.InputRequest(prompt, password)), answer));
        try {
            return answer.get();
        } catch (InterruptedException e) {
            answer.cancel(false);
            throw e;
        } catch (ExecutionException e) {
            throw new IllegalStateException("no input: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private void run(ZMQ.Socket socket, WireCodec codec) {
        while (!Thread.currentThread().isInterrupted()) {
            Pending p;
            try {
                p = requests.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (p == null || p.answer().isDone()) continue;
            sendFrames(socket, codec, p.request());
            awaitReply(socket, codec, p);
        }
    }

    private static void sendFrames(ZMQ.Socket socket, WireCodec codec, Message m) {
        var frames = codec.encode(m);
        for (int i = 0; i < frames.size(); i++) socket.send(frames.get(i), i < frames.size() - 1 ? ZMQ.SNDMORE : 0);
    }

    private static void awaitReply(ZMQ.Socket socket, WireCodec codec, Pending p) {
        socket.setReceiveTimeOut(200);
        while (!p.answer().isDone()) {
            ZMsg msg = ZMsg.recvMsg(socket);
            if (msg == null) continue;
            try {
                Message m = codec.decode(msg.stream().map(f -> f.getData()).toList());
                if (!"input_reply".equals(m.type())) {
                    LOG.warning("stdin: ignoring " + m.type() + " while waiting for input_reply");
                    continue;
                }
                Contents.InputReply reply = Json.MAPPER.treeToValue(m.content(), Contents.InputReply.class);
                p.answer().complete(reply.value() == null ? "" : reply.value());
            } catch (BadMessageException | com.fasterxml.jackson.core.JsonProcessingException e) {
                LOG.warning("stdin: dropped a bad message: " + e.getMessage());
            }
        }
    }
}
