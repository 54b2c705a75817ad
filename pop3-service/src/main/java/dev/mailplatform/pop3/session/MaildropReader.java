package dev.mailplatform.pop3.session;

import dev.mailplatform.pop3.store.ContentStream;
import dev.mailplatform.pop3.store.MessagesStream;
import dev.mailplatform.pop3.store.StoreCallException;
import dev.mailplatform.pop3.store.StoreClient;
import io.grpc.Status;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a maildrop's messages for RETR, ahead of the client. Clients RETR in order (fetchmail, mpop, getmail, phones
 * alike), so once a RETR follows the one before it, the reader asks the store for that message and the ones after it
 * in one FetchMessages stream and keeps {@value #AHEAD} responses in hand: the next RETR starts writing at once
 * instead of waiting for a call and a query, even when the client asks faster than the store answers one response
 * at a time. A RETR out of order just starts a new stream.
 *
 * <p>What it holds is bounded: {@value #AHEAD} responses (each at most 64 KB) beyond what the client's socket has
 * taken, and each
 * stream covers at most {@value #WINDOW_MESSAGES} messages or {@value #WINDOW_BYTES} bytes. A stream nobody reads
 * for {@value #IDLE_MS} ms is cancelled. Everything runs on the connection's event loop.
 */
public final class MaildropReader implements MessagesStream.Receiver {

    static final int WINDOW_MESSAGES = 100;
    static final long WINDOW_BYTES = 4L * 1024 * 1024;
    static final long IDLE_MS = 2_000;
    /** Responses asked for ahead of the reader: one was often still on its way when the next RETR came. */
    static final int AHEAD = 3;

    private final StoreClient store;
    private final Pop3Connection conn;
    private final long accountId;
    private final Maildrop maildrop;

    private MessagesStream stream;
    /** The UIDs the stream has still to deliver, in order. */
    private final ArrayDeque<Integer> upcoming = new ArrayDeque<>();
    /** Responses received and not yet handed to a reader. */
    private final ArrayDeque<Piece> held = new ArrayDeque<>();
    private int outstanding;
    private Open current;
    private int lastNumber;
    private boolean pumping;
    private long idleTimer = -1;

    MaildropReader(StoreClient store, Pop3Connection conn, long accountId, Maildrop maildrop) {
        this.store = store;
        this.conn = conn;
        this.accountId = accountId;
        this.maildrop = maildrop;
    }

    /** Message {@code number} as a stream for one receiver, who must read it to its end or cancel it. */
    public ContentStream open(int number, ContentStream.Receiver receiver) {
        int uid = maildrop.uid(number);
        if (idleTimer >= 0) {
            conn.cancelTimer(idleTimer);
            idleTimer = -1;
        }
        // upcoming also covers responses already held after the stream ended.
        if (upcoming.isEmpty() || upcoming.peek() != uid || (stream == null && held.isEmpty())) {
            restart(number, number == lastNumber + 1);
        }
        lastNumber = number;
        current = new Open(uid, receiver);
        return current;
    }

    /** Stops reading ahead (QUIT, or the connection ended). */
    public void close() {
        current = null;
        stop();
        if (idleTimer >= 0) {
            conn.cancelTimer(idleTimer);
            idleTimer = -1;
        }
    }

    private void restart(int number, boolean sequential) {
        stop();
        List<Integer> uids = new ArrayList<>();
        uids.add(maildrop.uid(number));
        long bytes = maildrop.size(number);
        for (int n = number + 1; sequential && n <= maildrop.total() && uids.size() < WINDOW_MESSAGES; n++) {
            if (maildrop.deleted(n)) {
                continue;
            }
            if (bytes + maildrop.size(n) > WINDOW_BYTES) {
                break;
            }
            uids.add(maildrop.uid(n));
            bytes += maildrop.size(n);
        }
        upcoming.addAll(uids);
        stream = store.fetchMessages(accountId, uids, conn.eventLoop(), this);
    }

    private void stop() {
        if (stream != null) {
            stream.cancel();
            stream = null;
        }
        upcoming.clear();
        held.clear();
        outstanding = 0;
    }

    // ---- from the store ----

    @Override
    public void piece(int uid, byte[] data, boolean last) {
        outstanding--;
        held.add(new Piece(uid, data, last));
        pump();
    }

    @Override
    public void gone(int uid) {
        outstanding--;
        held.add(new Piece(uid, null, true));
        pump();
    }

    @Override
    public void end() {
        stream = null;
        pump();
    }

    @Override
    public void failed(StoreCallException failure) {
        stream = null;
        upcoming.clear();
        held.clear();
        outstanding = 0;
        Open c = current;
        current = null;
        if (c != null) {
            c.receiver.failed(failure);
        }
    }

    /** Hands held responses to the open message as it asks for them, and keeps {@link #AHEAD} more requested. */
    private void pump() {
        if (pumping) {
            return;
        }
        pumping = true;
        try {
            while (current != null && current.demand > 0 && !held.isEmpty()) {
                deliver(held.poll());
            }
            if (current != null && stream == null && held.isEmpty()) {
                // The stream ended without this message: the store broke the FetchMessages contract.
                Open c = current;
                current = null;
                upcoming.clear();
                c.receiver.failed(new StoreCallException(Status.INTERNAL
                        .withDescription("FetchMessages ended before UID " + c.uid).asRuntimeException()));
            }
            if (stream != null && !upcoming.isEmpty()) {
                int want = (current == null ? 0 : current.demand) + AHEAD;
                int missing = want - held.size() - outstanding;
                if (missing > 0) {
                    outstanding += missing;
                    stream.request(missing);
                }
            }
            if (current == null && stream != null && idleTimer < 0) {
                MessagesStream idle = stream;
                idleTimer = conn.setTimer(IDLE_MS, () -> {
                    idleTimer = -1;
                    if (current == null && stream == idle) {
                        stop();
                    }
                });
            }
        } finally {
            pumping = false;
        }
    }

    private void deliver(Piece piece) {
        int uid = piece.uid();
        byte[] data = piece.data();
        boolean last = piece.last();
        Open c = current;
        if (uid != c.uid) {
            current = null;
            stop();
            c.receiver.failed(new StoreCallException(Status.INTERNAL
                    .withDescription("FetchMessages sent UID " + uid + " where " + c.uid + " was due").asRuntimeException()));
            return;
        }
        if (data == null) {
            upcoming.poll();
            current = null;
            c.receiver.failed(new StoreCallException(Status.NOT_FOUND
                    .withDescription("message " + uid + " was expunged").asRuntimeException()));
            return;
        }
        c.demand--;
        if (last) {
            upcoming.poll();
            current = null;
        }
        c.receiver.chunk(data);
        if (last && !c.cancelled) {
            c.receiver.end();
        }
    }

    /** A response as the stream delivered it; {@code data} is null for a message that is gone. */
    private record Piece(int uid, byte[] data, boolean last) {
    }

    /** One RETR's view of the shared stream. */
    private final class Open implements ContentStream {
        final int uid;
        final ContentStream.Receiver receiver;
        int demand;
        boolean cancelled;

        Open(int uid, ContentStream.Receiver receiver) {
            this.uid = uid;
            this.receiver = receiver;
        }

        @Override
        public void request(int chunks) {
            demand += chunks;
            pump();
        }

        @Override
        public void cancel() {
            cancelled = true;
            if (current == this) {
                // Left mid-message: the stream's position is no use to anyone.
                current = null;
                stop();
            }
        }
    }
}
