package dev.mailplatform.pop3.command;

import dev.mailplatform.pop3.protocol.ByteSink;
import dev.mailplatform.pop3.protocol.DotStuffingEncoder;
import dev.mailplatform.pop3.protocol.Reply;
import dev.mailplatform.pop3.session.Pop3Connection;
import dev.mailplatform.pop3.session.Pop3Session;
import dev.mailplatform.pop3.store.ContentStream;
import dev.mailplatform.pop3.store.StoreCallException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The streamed body of RETR and TOP. The status line waits for the first chunk, so a store failure can still be an
 * -ERR. Then chunks are pulled one at a time: the next is requested only when the socket's write queue has room,
 * otherwise on drain. A failure after the +OK cannot be told to the client in-band: the connection is closed, and
 * since QUIT never ran, nothing is deleted.
 */
final class ContentWriter implements ContentStream.Receiver {

    private static final Logger LOG = Logger.getLogger(ContentWriter.class);
    /** Two chunks in flight: one being written while the store reads the next. */
    private static final int IN_FLIGHT = 2;

    private final Pop3Session session;
    private final Pop3Connection conn;
    private final long size;
    private final DotStuffingEncoder encoder;
    private final Consumer<Boolean> done;
    private final ByteSink out = new ByteSink(8 * 1024);
    private ContentStream stream;
    private boolean started;
    private boolean ended;

    private ContentWriter(Pop3Session session, long size, DotStuffingEncoder encoder, Consumer<Boolean> done) {
        this.session = session;
        this.conn = session.connection();
        this.size = size;
        this.encoder = encoder;
        this.done = done;
    }

    /** {@code size} &lt; 0 leaves it out of the +OK line (TOP). */
    static void stream(Pop3Session s, Function<ContentStream.Receiver, ContentStream> open, long size,
            DotStuffingEncoder encoder, Consumer<Boolean> done) {
        ContentWriter w = new ContentWriter(s, size, encoder, done);
        w.stream = open.apply(w);
        w.stream.request(IN_FLIGHT);
    }

    private void start() {
        if (!started) {
            started = true;
            session.write(Reply.ok(size >= 0 ? size + " octets" : "top of message follows"));
        }
    }

    @Override
    public void chunk(byte[] data) {
        if (ended) {
            return;
        }
        if (session.isClosed()) {
            ended = true;
            stream.cancel();
            return;
        }
        start();
        out.clear();
        boolean complete = encoder.encode(data, 0, data.length, out);
        if (complete) {
            ended = true;
            stream.cancel();
            encoder.finish(out);
            session.write(out.array(), 0, out.size());
            done.accept(true);
            return;
        }
        session.write(out.array(), 0, out.size());
        if (conn.writeQueueFull()) {
            conn.onDrain(() -> {
                if (!ended) {
                    stream.request(1);
                }
            });
        } else {
            stream.request(1);
        }
    }

    @Override
    public void end() {
        if (ended) {
            return;
        }
        ended = true;
        start();
        out.clear();
        encoder.finish(out);
        session.write(out.array(), 0, out.size());
        done.accept(true);
    }

    @Override
    public void failed(StoreCallException failure) {
        if (ended) {
            return;
        }
        ended = true;
        if (!started) {
            session.write(session.errorReply(failure));
            done.accept(false);
            return;
        }
        LOG.warnf("message stream failed after its first bytes (%s); closing %s", failure.failure(),
                conn.remoteIp());
        done.accept(false);
        session.close();
    }
}
