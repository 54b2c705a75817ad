package dev.mailplatform.lmtp.session;

import dev.mailplatform.lmtp.protocol.Command;
import dev.mailplatform.lmtp.protocol.InputEvent;
import dev.mailplatform.lmtp.protocol.LmtpDecoder;
import dev.mailplatform.lmtp.protocol.Reply;
import dev.mailplatform.lmtp.registry.LmtpCommands;
import dev.mailplatform.protocol.Drain;
import dev.mailplatform.store.v1.DeliveryEnvelope;
import java.nio.charset.StandardCharsets;
import org.jboss.logging.Logger;

/**
 * One LMTP connection's state machine, on its event loop. Input is decoded one event at a time; while a command
 * waits for the store ({@link #suspend}) further pipelined input stays in the decoder, and the socket stops being
 * read once that passes mail.lmtp.max-pipelined-bytes or the store's upload has no room. Replies go out in command
 * order, which pipelining needs (RFC 2920).
 */
public final class LmtpSession implements Drain.Session {

    private static final Logger LOG = Logger.getLogger(LmtpSession.class);

    private final LmtpConnection conn;
    private final SessionServices services;
    private final LmtpDecoder decoder;
    private SessionState state = SessionState.GREETED;
    private Transaction transaction;
    private boolean suspended;
    private boolean readingPaused;
    private boolean closed;
    private long idleTimer = -1;
    /** The BDAT chunk being read: its size, whether LAST, and the refusal when it is read only to be dropped. */
    private long chunkSize;
    private boolean chunkLast;
    private Reply chunkRefusal;
    /** The instance is stopping: the session ends with 421 once no transaction is in progress. */
    private boolean draining;

    public LmtpSession(LmtpConnection conn, SessionServices services) {
        this.conn = conn;
        this.services = services;
        this.decoder = new LmtpDecoder(services.config().maxLineLength());
    }

    public void start() {
        services.sessions().add(this);
        services.metrics().sessionOpened();
        conn.write(Reply.plain(220, services.config().serverName() + " LMTP ready"));
        armIdleTimer();
    }

    public void onData(byte[] bytes) {
        if (closed) {
            return;
        }
        armIdleTimer();
        decoder.feed(bytes);
        pump();
    }

    public void onClosed() {
        if (closed) {
            return;
        }
        closed = true;
        services.sessions().remove(this);
        services.metrics().sessionClosed();
        if (idleTimer >= 0) {
            conn.cancelTimer(idleTimer);
        }
        if (transaction != null && transaction.upload != null) {
            // The data did not end: the store keeps nothing of it.
            transaction.upload.cancel();
        }
    }

    private void armIdleTimer() {
        if (idleTimer >= 0) {
            conn.cancelTimer(idleTimer);
        }
        idleTimer = conn.setTimer(services.config().idleTimeout().toMillis(), () -> {
            idleTimer = -1;
            reply(Reply.IDLE);
            close();
        });
    }

    /** Decodes and handles input until a command waits for the store, the upload is full, or input runs out. */
    public void pump() {
        while (!closed && !suspended) {
            if (draining && transaction == null) {
                // RFC 5321 §3.8: a server going down sends 421 before it closes.
                reply(Reply.SHUTTING_DOWN);
                close();
                return;
            }
            if (decoder.inData() && transaction != null && transaction.upload != null && chunkRefusal == null
                    && !transaction.tooBig && !transaction.upload.ready()) {
                pauseReading(); // the upload's ready callback pumps again
                return;
            }
            InputEvent ev = decoder.next();
            if (ev == null) {
                resumeReading();
                return;
            }
            try {
                dispatch(ev);
            } catch (RuntimeException e) {
                LOG.errorf(e, "LMTP session from %s: unexpected failure", conn.remoteIp());
                reply(Reply.SERVER_BUG);
                close();
                return;
            }
        }
        if (suspended && decoder.buffered() > services.config().maxPipelinedBytes()) {
            pauseReading();
        }
    }

    private void dispatch(InputEvent ev) {
        if (ev instanceof InputEvent.Line l) {
            command(l.text());
        } else if (ev instanceof InputEvent.LineTooLong) {
            reply(Reply.LINE_TOO_LONG);
        } else if (ev instanceof InputEvent.BadLine b) {
            reply(Reply.badLine(b.reason()));
        } else if (ev instanceof InputEvent.Data d) {
            data(d.bytes());
        } else {
            dataEnd();
        }
    }

    private void command(String line) {
        Command c = Command.parse(line);
        LmtpCommands.Entry entry = services.commands().find(c.verb());
        if (entry == null) {
            reply(Reply.UNKNOWN_COMMAND);
            return;
        }
        if (!entry.states().contains(state)) {
            reply(state == SessionState.GREETED ? Reply.NEED_LHLO : entry.refusal());
            return;
        }
        entry.handler().handle(this, c);
    }

    private void data(byte[] bytes) {
        Transaction t = transaction;
        if (chunkRefusal != null || t == null) {
            return;
        }
        t.received += bytes.length;
        services.metrics().bytes(bytes.length);
        if (t.tooBig) {
            return;
        }
        if (t.received > services.config().maxMessageSize()) {
            t.tooBig = true;
            t.upload.cancel();
            return;
        }
        t.upload.data(bytes);
    }

    private void dataEnd() {
        if (chunkRefusal != null) {
            Reply r = chunkRefusal;
            chunkRefusal = null;
            if (transaction != null) {
                transaction.chunkingFailed = true;
            }
            reply(r);
            return;
        }
        if (transaction != null && transaction.chunking && !chunkLast) {
            reply(new Reply(250, "2.0.0", chunkSize + " octets received"));
            return;
        }
        Delivery.finish(this, transaction);
    }

    // ---- for the handlers

    public SessionServices services() {
        return services;
    }

    public LmtpConnection connection() {
        return conn;
    }

    public SessionState state() {
        return state;
    }

    public void state(SessionState s) {
        state = s;
    }

    public Transaction transaction() {
        return transaction;
    }

    public void begin(Transaction t) {
        transaction = t;
        state = SessionState.MAIL;
    }

    /** Ends the transaction (after the data, RSET or LHLO): a delivery still streaming is cancelled. */
    public void reset() {
        if (transaction != null && transaction.upload != null) {
            transaction.upload.cancel();
        }
        transaction = null;
        if (state == SessionState.MAIL) {
            state = SessionState.READY;
        }
    }

    /** Opens the transaction's delivery stream to the store, with its envelope, before the first data byte. */
    public void openUpload() {
        Transaction t = transaction;
        t.upload = services.store().deliver(DeliveryEnvelope.newBuilder().setMailFrom(t.mailFrom)
                .addAllRecipients(t.recipients).setRules(services.rules()).setDeclaredSize(t.declaredSize)
                .setDuplicateWindowSeconds((int) services.config().duplicateWindow().toSeconds()).build(),
                conn.eventLoop(), this::pump);
    }

    /** After DATA's 354: the following bytes are the message. */
    public void startData() {
        decoder.startData();
    }

    /** After a BDAT command: its chunk follows; a refused one is read and answered with {@code refusal}. */
    public void startChunk(long size, boolean last, Reply refusal) {
        chunkSize = size;
        chunkLast = last;
        chunkRefusal = refusal;
        decoder.startChunk(size);
    }

    /** Counts a recipient's outcome. */
    public void metrics(String result) {
        services.metrics().recipient(result);
    }

    public void reply(Reply r) {
        conn.write(r.bytes());
    }

    public void write(byte[] bytes) {
        conn.write(bytes);
    }

    public void write(String text) {
        conn.write(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** The current command waits for the store: input stays queued until {@link #resume}. */
    public void suspend() {
        suspended = true;
    }

    /** Called on the event loop when the store answered: handles the input that waited. */
    public void resume() {
        suspended = false;
        pump();
    }

    /** STARTTLS: the plaintext input after the command is dropped (RFC 3207 §4.2), LHLO is needed again. */
    public void tlsStarting() {
        decoder.clear();
        reset();
        state = SessionState.GREETED;
    }

    public boolean closed() {
        return closed;
    }

    /**
     * The instance is stopping: 421 and close now when no transaction is in progress, else once its data has been
     * answered (the recipients' replies sent); new commands in between are not read.
     */
    @Override
    public void drain() {
        conn.eventLoop().execute(() -> {
            draining = true;
            if (!closed && !suspended) {
                pump();
            }
        });
    }

    /** The drain deadline passed in a transaction: the delivery is cancelled (nothing stored), the MTA retries. */
    @Override
    public void cut() {
        conn.eventLoop().execute(() -> {
            if (!closed) {
                reply(Reply.SHUTTING_DOWN);
                close();
            }
        });
    }

    public void close() {
        if (!closed) {
            onClosed();
            conn.close();
        }
    }

    private void pauseReading() {
        if (!readingPaused) {
            readingPaused = true;
            conn.pauseReading();
        }
    }

    private void resumeReading() {
        if (readingPaused) {
            readingPaused = false;
            conn.resumeReading();
        }
    }
}
