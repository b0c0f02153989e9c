package dev.jbox.client.remote;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbox.client.remote.envd.ConnectCode;
import dev.jbox.client.remote.envd.ConnectException;
import dev.jbox.client.remote.envd.Envelope;
import dev.jbox.client.remote.envd.Messages.DataEvent;
import dev.jbox.client.remote.envd.Messages.EndOfStream;
import dev.jbox.client.remote.envd.Messages.EventExt;
import dev.jbox.client.remote.envd.Messages.ProcessEvent;
import dev.jbox.client.remote.envd.Messages.StreamResponse;
import okhttp3.Call;
import okhttp3.Response;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** Reads a server stream one envelope at a time, as it arrives. */
final class EventReader implements AutoCloseable {

    private final Call call;
    private final Response response;
    private final InputStream in;
    private final ObjectMapper mapper;

    EventReader(Call call, Response response, ObjectMapper mapper) {
        this.call = call;
        this.response = response;
        this.in = response.body().byteStream();
        this.mapper = mapper;
    }

    /**
     * The next event, or null after a clean end-of-stream.
     *
     * @throws ConnectException the end-of-stream carried an error
     * @throws IOException      the connection broke, or the stream ended without its end-of-stream envelope
     */
    StreamResponse next() throws IOException {
        Envelope e = Envelope.read(in, 64 << 20);
        if (e == null) throw new EOFException("the stream ended without its end-of-stream message");
        if ((e.flags() & Envelope.RAW_DATA) != 0) return rawData(e.payload());
        if (e.endStream()) {
            EndOfStream end = mapper.readValue(e.payload(), EndOfStream.class);
            if (end.error() != null) throw end.error().toException();
            return null;
        }
        try {
            return mapper.readValue(e.payload(), StreamResponse.class);
        } catch (IOException bad) {
            throw new ConnectException(ConnectCode.INTERNAL, "unreadable event from the agent: " + bad.getMessage());
        }
    }

    private static StreamResponse rawData(byte[] p) {
        if (p.length < 9) throw new ConnectException(ConnectCode.INTERNAL, "malformed raw data envelope from the agent");
        long offset = 0;
        for (int i = 1; i < 9; i++) offset = (offset << 8) | (p[i] & 0xff);
        byte[] data = java.util.Arrays.copyOfRange(p, 9, p.length);
        DataEvent d = p[0] == 1 ? new DataEvent(data, null, null) : new DataEvent(null, data, null);
        return new StreamResponse(ProcessEvent.ofData(d), EventExt.offset(offset));
    }

    /** Aborts the call from any thread; a blocked {@link #next()} fails promptly. */
    void cancel() {
        call.cancel();
    }

    /** Releases the connection; only from the thread that reads (closing drains what is left of the body). */
    @Override
    public void close() {
        call.cancel();
        response.close();
    }
}
