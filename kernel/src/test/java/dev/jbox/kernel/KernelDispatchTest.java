package dev.jbox.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbox.kernel.wire.ConnectionInfo;
import dev.jbox.kernel.wire.FrameCodec;
import dev.jbox.kernel.wire.Message;
import dev.jbox.kernel.wire.MessageFactory;
import dev.jbox.kernel.wire.Signer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/** The kernel's dispatch over real loopback ZMQ sockets, with a scripted evaluator instead of JShell. */
class KernelDispatchTest {

    private static final String KEY = "dispatch-test-key";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final FrameCodec CODEC = new FrameCodec(JSON, new Signer(KEY));
    private static final MessageFactory CLIENT = new MessageFactory(JSON);

    private static ScriptedEvaluator evaluator;
    private static Kernel kernel;
    private static ZMQ.Context ctx;
    private static ZMQ.Socket shell;
    private static ZMQ.Socket control;
    private static ZMQ.Socket iopub;

    @BeforeAll
    static void start() throws Exception {
        int[] p = freePorts();
        ConnectionInfo info = new ConnectionInfo("tcp", "127.0.0.1", p[0], p[1], p[2], p[3], p[4], KEY, "hmac-sha256");
        evaluator = new ScriptedEvaluator();
        kernel = Kernel.start(info, () -> evaluator, History.open(null)); // this session's history only
        ctx = ZMQ.context(1);
        shell = socket(SocketType.DEALER, info.endpoint(info.shellPort()));
        control = socket(SocketType.DEALER, info.endpoint(info.controlPort()));
        iopub = ctx.socket(SocketType.SUB);
        iopub.setLinger(0);
        iopub.subscribe(new byte[0]);
        iopub.setReceiveTimeOut(200);
        iopub.connect(info.endpoint(info.iopubPort()));
        // PUB drops messages until the subscription arrived: wait until a request's status shows up.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            send(shell, "kernel_info_request", Map.of());
            receive(shell);
            if (!drainIopub().isEmpty()) {
                return;
            }
        }
        throw new IllegalStateException("iopub never connected");
    }

    private static ZMQ.Socket socket(SocketType type, String endpoint) {
        ZMQ.Socket s = ctx.socket(type);
        s.setLinger(0);
        s.setReceiveTimeOut(10_000);
        s.connect(endpoint);
        return s;
    }

    @AfterAll
    static void stop() throws Exception {
        shell.close();
        control.close();
        iopub.close();
        ctx.close();
        kernel.stop();
        assertTrue(evaluator.closed.await(5, TimeUnit.SECONDS), "evaluator.close() on shutdown");
    }

    @BeforeEach
    void clean() throws Exception {
        drainIopub();
    }

    private static Message send(ZMQ.Socket s, String type, Map<String, Object> content) {
        Message m = CLIENT.create(type, null, content, List.of());
        List<byte[]> frames = CODEC.encode(m);
        for (int i = 0; i < frames.size() - 1; i++) {
            s.sendMore(frames.get(i));
        }
        s.send(frames.get(frames.size() - 1), 0);
        return m;
    }

    private static Message receive(ZMQ.Socket s) throws Exception {
        List<byte[]> frames = new ArrayList<>();
        byte[] first = s.recv(0);
        if (first == null) {
            return null;
        }
        frames.add(first);
        while (s.hasReceiveMore()) {
            frames.add(s.recv(0));
        }
        return CODEC.decode(frames);
    }

    /** IOPub messages until idle for {@code request}. */
    private static List<Message> iopubOf(Message request) throws Exception {
        List<Message> out = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Message m = receive(iopub);
            if (m == null || m.parentHeader() == null || !m.parentHeader().msgId().equals(request.header().msgId())) {
                continue;
            }
            out.add(m);
            if (m.msgType().equals("status") && m.content().get("execution_state").asText().equals("idle")) {
                return out;
            }
        }
        throw new AssertionError("no idle for " + request.msgType() + ", got " + types(out));
    }

    private static List<Message> drainIopub() throws Exception {
        List<Message> out = new ArrayList<>();
        for (Message m; (m = receive(iopub)) != null; ) {
            out.add(m);
        }
        return out;
    }

    private static List<String> types(List<Message> msgs) {
        return msgs.stream().map(Message::msgType).toList();
    }

    private static Map<String, Object> exec(String code) {
        return Map.of("code", code, "silent", false, "store_history", true, "allow_stdin", false, "stop_on_error", true);
    }

    @Test
    void executeSendsBusyInputResultIdleAndReply() throws Exception {
        Message req = send(shell, "execute_request", exec("hello"));
        Message reply = receive(shell);
        assertEquals("execute_reply", reply.msgType());
        assertEquals("ok", reply.content().get("status").asText());
        List<Message> io = iopubOf(req);
        assertEquals(List.of("status", "execute_input", "execute_result", "status"), types(io));
        assertEquals("busy", io.get(0).content().get("execution_state").asText());
        assertEquals("hello", io.get(2).content().get("data").get("text/plain").asText());
        assertEquals(reply.content().get("execution_count").asInt(), io.get(2).content().get("execution_count").asInt());
    }

    @Test
    void errorGivesOneErrorMessageAfterTheOutput() throws Exception {
        Message req = send(shell, "execute_request", Map.of("code", "fail", "stop_on_error", false));
        Message reply = receive(shell);
        assertEquals("error", reply.content().get("status").asText());
        assertEquals("Boom", reply.content().get("ename").asText());
        assertEquals(List.of("status", "execute_input", "stream", "error", "status"), types(iopubOf(req)));
    }

    @Test
    void queuedExecutesAreAbortedAfterAnError() throws Exception {
        int before = evaluator.evaluations.get();
        send(shell, "execute_request", exec("fail"));
        Message second = send(shell, "execute_request", exec("not run"));
        Message info = send(shell, "kernel_info_request", Map.of());
        assertEquals("error", receive(shell).content().get("status").asText());
        Message r2 = receive(shell);
        assertEquals(second.header().msgId(), r2.parentHeader().msgId());
        assertEquals("aborted", r2.content().get("status").asText());
        Message r3 = receive(shell);
        assertEquals(info.header().msgId(), r3.parentHeader().msgId());
        assertEquals("kernel_info_reply", r3.msgType());
        assertEquals(List.of("status", "status"), types(iopubOf(second)));
        assertEquals(before + 1, evaluator.evaluations.get());
    }

    @Test
    void anExecuteSentAfterTheFailedCellsReplyRuns() throws Exception {
        for (int round = 0; round < 20; round++) {
            send(shell, "execute_request", exec("fail"));
            assertEquals("error", receive(shell).content().get("status").asText());
            Message next = send(shell, "execute_request", exec("next " + round));
            Message reply = receive(shell);
            assertEquals(next.header().msgId(), reply.parentHeader().msgId());
            assertEquals("ok", reply.content().get("status").asText(), "round " + round);
        }
    }

    @Test
    void aFailingSilentExecuteAbortsNothing() throws Exception {
        send(shell, "execute_request", Map.of("code", "fail", "silent", true, "stop_on_error", true));
        Message second = send(shell, "execute_request", exec("runs"));
        assertEquals("error", receive(shell).content().get("status").asText());
        Message r2 = receive(shell);
        assertEquals(second.header().msgId(), r2.parentHeader().msgId());
        assertEquals("ok", r2.content().get("status").asText());
    }

    @Test
    void interruptReplyFollowsTheInterruptedCellsReplyAndIdle() throws Exception {
        Message blocked = send(shell, "execute_request", exec("block"));
        Thread.sleep(100);
        Message interrupt = send(control, "interrupt_request", Map.of());
        Message interruptReply = receive(control);
        assertEquals("interrupt_reply", interruptReply.msgType());
        Message cellReply = receive(shell);
        assertEquals(blocked.header().msgId(), cellReply.parentHeader().msgId());
        assertEquals("error", cellReply.content().get("status").asText());
        assertTrue(cellReply.header().date().compareTo(interruptReply.header().date()) <= 0,
                "cell reply " + cellReply.header().date() + " after interrupt reply " + interruptReply.header().date());
        List<String> idles = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (idles.size() < 2 && System.nanoTime() < deadline) {
            Message m = receive(iopub);
            if (m != null && m.msgType().equals("status") && m.content().get("execution_state").asText().equals("idle")) {
                idles.add(m.parentHeader().msgId());
            }
        }
        assertEquals(List.of(blocked.header().msgId(), interrupt.header().msgId()), idles);
    }

    @Test
    void interruptIsAnsweredEvenIfTheCellDoesNotStop() throws Exception {
        evaluator.stubborn = new CountDownLatch(1);
        Message cell = send(shell, "execute_request", exec("stubborn"));
        Thread.sleep(100);
        send(control, "interrupt_request", Map.of());
        try {
            assertEquals("interrupt_reply", receive(control).msgType(), "control answers while the cell runs on");
            send(control, "kernel_info_request", Map.of());
            assertEquals("kernel_info_reply", receive(control).msgType());
        } finally {
            evaluator.stubborn.countDown();
        }
        Message reply = receive(shell);
        assertEquals(cell.header().msgId(), reply.parentHeader().msgId());
        assertEquals("ok", reply.content().get("status").asText());
    }

    @Test
    void streamOutputIsCoalesced() throws Exception {
        Message req = send(shell, "execute_request", exec("print 5000"));
        receive(shell);
        List<Message> streams = iopubOf(req).stream().filter(m -> m.msgType().equals("stream")).toList();
        StringBuilder all = new StringBuilder();
        streams.forEach(m -> all.append(m.content().get("text").asText()));
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            expected.append("line ").append(i).append('\n');
        }
        assertEquals(expected.toString(), all.toString());
        assertTrue(streams.size() <= 3, "coalesced into few messages, got " + streams.size());
    }

    @Test
    void displayUpdateAndClear() throws Exception {
        Message req = send(shell, "execute_request", exec("display"));
        receive(shell);
        List<Message> io = iopubOf(req);
        assertEquals(List.of("status", "execute_input", "display_data", "update_display_data", "clear_output", "status"), types(io));
        assertEquals("d1", io.get(2).content().get("transient").get("display_id").asText());
        assertTrue(io.get(4).content().get("wait").asBoolean());
    }

    @Test
    void silentSendsNothingAndKeepsCount() throws Exception {
        send(shell, "execute_request", exec("a"));
        int count = receive(shell).content().get("execution_count").asInt();
        Message silent = send(shell, "execute_request", Map.of("code", "print 3", "silent", true));
        assertEquals(count, receive(shell).content().get("execution_count").asInt());
        assertEquals(List.of("status", "status"), types(iopubOf(silent)));
        send(shell, "execute_request", exec("b"));
        assertEquals(count + 1, receive(shell).content().get("execution_count").asInt());
    }

    @Test
    void queriesAreAnswered() throws Exception {
        send(shell, "complete_request", Map.of("code", "ab", "cursor_pos", 2));
        Message c = receive(shell);
        assertEquals("abX", c.content().get("matches").get(0).asText());
        send(shell, "inspect_request", Map.of("code", "Known", "cursor_pos", 5, "detail_level", 0));
        Message i = receive(shell);
        assertTrue(i.content().get("found").asBoolean());
        send(shell, "is_complete_request", Map.of("code", "void f() {"));
        Message ic = receive(shell);
        assertEquals("incomplete", ic.content().get("status").asText());
        assertEquals("  ", ic.content().get("indent").asText());
        send(shell, "comm_info_request", Map.of());
        assertEquals(0, receive(shell).content().get("comms").size());
    }

    @Test
    void pagerPayloadForQuestionMark() throws Exception {
        send(shell, "execute_request", exec("Known.thing?"));
        Message reply = receive(shell);
        assertEquals("page", reply.content().get("payload").get(0).get("source").asText());
        assertEquals("doc of Known.thing", reply.content().get("payload").get(0).get("data").get("text/plain").asText());
    }

    @Test
    void unknownTypesAndMissingFieldsAreDroppedAndTheKernelKeepsAnswering() throws Exception {
        send(shell, "no_such_request", Map.of());
        send(shell, "execute_request", Map.of("silent", false));
        shell.sendMore("garbage");
        shell.send("frames", 0);
        Message info = send(shell, "kernel_info_request", Map.of());
        Message reply = receive(shell);
        assertEquals(info.header().msgId(), reply.parentHeader().msgId());
        assertEquals("5.3", reply.content().get("protocol_version").asText());
        assertEquals("java", reply.content().get("language_info").get("name").asText());
    }

    @Test
    void controlAnswersKernelInfoAndInterruptsARunningCell() throws Exception {
        send(control, "kernel_info_request", Map.of());
        assertEquals("kernel_info_reply", receive(control).msgType());
        Message blocked = send(shell, "execute_request", exec("block"));
        Thread.sleep(100);
        send(control, "interrupt_request", Map.of());
        assertEquals("interrupt_reply", receive(control).msgType());
        Message reply = receive(shell);
        assertEquals(blocked.header().msgId(), reply.parentHeader().msgId());
        assertEquals("error", reply.content().get("status").asText());
    }

    @Test
    void historyTailRangeSearch() throws Exception {
        send(shell, "execute_request", exec("history-one"));
        receive(shell);
        send(shell, "execute_request", exec("history-two"));
        receive(shell);
        send(shell, "history_request", Map.of("hist_access_type", "tail", "n", 2, "output", true, "raw", true));
        var tail = receive(shell).content().get("history");
        assertEquals("history-two", tail.get(1).get(2).get(0).asText());
        assertEquals("history-two", tail.get(1).get(2).get(1).asText());
        int line = tail.get(1).get(1).asInt();
        send(shell, "history_request", Map.of("hist_access_type", "range", "session", 1, "start", line, "stop", line + 1,
                "output", false, "raw", true));
        var range = receive(shell).content().get("history");
        assertEquals(1, range.size());
        assertEquals("history-two", range.get(0).get(2).asText());
        send(shell, "history_request", Map.of("hist_access_type", "search", "pattern", "history-*", "unique", true,
                "output", false, "raw", true));
        assertTrue(receive(shell).content().get("history").size() >= 2);
    }

    private static int[] freePorts() throws IOException {
        int[] ports = new int[5];
        List<ServerSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < ports.length; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
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
