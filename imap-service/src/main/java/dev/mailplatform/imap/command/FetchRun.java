package dev.mailplatform.imap.command;

import dev.mailplatform.imap.command.FetchHandler.Content;
import dev.mailplatform.imap.command.FetchHandler.Item;
import dev.mailplatform.imap.command.FetchHandler.Meta;
import dev.mailplatform.imap.command.FetchHandler.Plan;
import dev.mailplatform.imap.protocol.ResponseWriter;
import dev.mailplatform.imap.session.ImapSession;
import dev.mailplatform.imap.session.Reply;
import dev.mailplatform.imap.session.SelectedMailbox;
import dev.mailplatform.protocol.PulledStream;
import dev.mailplatform.protocol.StoreFailure;
import dev.mailplatform.store.v1.FetchContentRequest;
import dev.mailplatform.store.v1.FetchContentResponse;
import dev.mailplatform.store.v1.FetchMetadataRequest;
import dev.mailplatform.store.v1.FetchMetadataResponse;
import dev.mailplatform.store.v1.MessageMetadata;
import dev.mailplatform.store.v1.MessageState;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * One FETCH in flight. Pulls metadata one batch at a time and content one chunk at a time, and asks for more only
 * when the socket's write queue has room: a slow client slows the store reads instead of filling memory.
 */
final class FetchRun {

    private static final Logger LOG = Logger.getLogger(FetchRun.class);

    private final ImapSession session;
    private final SelectedMailbox mailbox;
    private final Plan plan;
    private final Map<Integer, MessageState> seenChanged;
    private final FetchMetadataRequest request;
    /** The messages taken from the view (content-only FETCH, {@link FetchHandler#fromView}); null: FetchMetadata. */
    private final List<MessageMetadata> known;
    /** Messages the client named (by sequence number), or -1 when any may be missing (UID FETCH). */
    private final int expected;
    private int written;
    private final ArrayDeque<MessageMetadata> queue = new ArrayDeque<>();
    private UniEmitter<? super Reply> done;
    private PulledStream<FetchMetadataRequest, FetchMetadataResponse> subscription;
    private boolean requested;
    private boolean upstreamDone;
    private boolean writing;
    private boolean finished;

    FetchRun(ImapSession session, SelectedMailbox mailbox, Plan plan, Map<Integer, MessageState> seenChanged,
            FetchMetadataRequest request, int expected, List<MessageMetadata> known) {
        this.session = session;
        this.known = known;
        this.mailbox = mailbox;
        this.plan = plan;
        this.seenChanged = seenChanged;
        this.request = request;
        this.expected = expected;
    }

    Uni<Reply> run() {
        return Uni.createFrom().emitter(emitter -> {
            done = emitter;
            if (known != null) {
                queue.addAll(known);
                upstreamDone = true;
                drain();
                return;
            }
            subscription = new PulledStream<>(session.executor(), r -> {
                requested = false;
                queue.addAll(r.getMessagesList());
                drain();
            }, () -> {
                upstreamDone = true;
                drain();
            }, this::fail);
            session.services().store().messageStub().fetchMetadata(request, subscription);
            requestMore();
        });
    }

    private void requestMore() {
        if (requested || upstreamDone || finished) {
            return;
        }
        requested = true;
        if (session.writeQueueFull()) {
            session.onDrain(() -> subscription.request(1));
        } else {
            subscription.request(1);
        }
    }

    private void drain() {
        if (writing || finished) {
            return;
        }
        if (session.closed()) {
            finished = true;
            if (subscription != null) {
                subscription.cancel();
            }
            done.complete(Reply.no(null, "Connection closed"));
            return;
        }
        MessageMetadata m = queue.poll();
        if (m != null) {
            writing = true;
            writeMessage(m, () -> {
                writing = false;
                drain();
            });
            return;
        }
        if (upstreamDone) {
            finished = true;
            done.complete(expected >= 0 && written < expected
                    ? Reply.no("EXPUNGEISSUE", "Some of the requested messages no longer exist")
                    : Reply.ok("FETCH completed"));
        } else {
            requestMore();
        }
    }

    private void fail(Throwable t) {
        if (!finished) {
            finished = true;
            if (subscription != null && !upstreamDone) {
                subscription.cancel(); // the metadata stream would otherwise stay open until its deadline
            }
            done.fail(t);
        }
    }

    private void writeMessage(MessageMetadata m, Runnable next) {
        int seq = mailbox.seqOf(m.getUid());
        if (seq == 0) {
            next.run();
            return;
        }
        written++;
        ResponseWriter w = new ResponseWriter();
        MessageState changed = seenChanged.get(m.getUid());
        if (plan.flags() || changed != null) {
            session.mailbox().announceKeywords(w, m.getKeywordsList());
        }
        w.untagged().number(seq).sp().atom("FETCH").sp().open();
        writeItems(m, 0, w, true, next);
    }

    /** A message taken from the view turned out to be gone: nothing of it was written; say EXPUNGEISSUE at the end. */
    private void skipGone(Runnable next) {
        written--;
        next.run();
    }

    /** Writes items from {@code index} on; a content item is streamed, then the rest continues. */
    private void writeItems(MessageMetadata m, int index, ResponseWriter w, boolean first, Runnable next) {
        for (int i = index; i < plan.items().size(); i++) {
            Item item = plan.items().get(i);
            if (!first) {
                w.sp();
            }
            first = false;
            if (item instanceof Meta meta) {
                writeMeta(w, meta, m);
            } else if (((Content) item).fromMetadata()) {
                Content c = (Content) item;
                w.raw(c.name()).sp().literal(range(m.getHeaderFields().toByteArray(), c));
            } else {
                Content c = (Content) item;
                w.raw(c.name()).sp();
                int after = i + 1;
                Runnable rest = () -> writeItems(m, after, new ResponseWriter(), false, next);
                if (known != null && !contentBefore(i)) {
                    // Taken from the view: the message may have gone since. Its line waits for the first chunk,
                    // so that a message the store no longer has leaves nothing behind, as FetchMetadata would.
                    streamContent(m.getUid(), c, w, rest, () -> skipGone(next));
                } else {
                    session.send(w);
                    streamContent(m.getUid(), c, null, rest, null);
                }
                return;
            }
        }
        MessageState changed = seenChanged.get(m.getUid());
        if (changed != null && !plan.flags()) {
            w.sp();
            FetchHandler.writeFlags(w, changed.getSystemFlags(), changed.getKeywordsList(),
                    mailbox.isRecent(m.getUid()));
        }
        session.send(w.close().crlf());
        next.run();
    }

    /** Whether a content item read from the store comes before item {@code index} in this FETCH. */
    private boolean contentBefore(int index) {
        for (int i = 0; i < index; i++) {
            if (plan.items().get(i) instanceof Content c && !c.fromMetadata()) {
                return true;
            }
        }
        return false;
    }

    /** BODY[...]<offset.length> applied to bytes already at hand. */
    private static byte[] range(byte[] data, Content c) {
        if (c.length() < 0) {
            return data;
        }
        int from = (int) Math.min(c.offset(), data.length);
        int to = (int) Math.min((long) from + c.length(), data.length);
        return java.util.Arrays.copyOfRange(data, from, to);
    }

    private void writeMeta(ResponseWriter w, Meta meta, MessageMetadata m) {
        switch (meta.kind()) {
            case UID -> w.atom("UID").sp().number(Integer.toUnsignedLong(m.getUid()));
            case MODSEQ -> w.atom("MODSEQ").sp().open().number(m.getModseq()).close();
            case FLAGS -> FetchHandler.writeFlags(w, m.getSystemFlags(), m.getKeywordsList(),
                    mailbox.isRecent(m.getUid()));
            case INTERNALDATE -> w.atom("INTERNALDATE").sp().dateTime(OffsetDateTime.ofInstant(
                    Instant.ofEpochMilli(m.getInternalDate()), ZoneOffset.UTC));
            case RFC822_SIZE -> w.atom("RFC822.SIZE").sp().number(m.getSize());
            case ENVELOPE -> {
                w.atom("ENVELOPE").sp();
                FetchEncoding.envelope(w, m.getEnvelope());
            }
            case BODY -> {
                w.atom("BODY").sp();
                FetchEncoding.body(w, m.getBodyStructure(), false);
            }
            case BODYSTRUCTURE -> {
                w.atom("BODYSTRUCTURE").sp();
                FetchEncoding.body(w, m.getBodyStructure(), true);
            }
        }
    }

    /**
     * Streams one section as a literal. Its length is known from the first response (the section's size), so the
     * literal header goes out before any content. A part that does not exist is NIL.
     *
     * @param pending the message's FETCH line so far, not yet sent (null: sent already); it goes out with the first
     *     answer, unless the store says the message is gone, and then {@code gone} runs instead of {@code next}
     */
    private void streamContent(int uid, Content c, ResponseWriter pending, Runnable next, Runnable gone) {
        ResponseWriter[] unsent = {pending};
        Runnable flush = () -> {
            if (unsent[0] != null) {
                session.send(unsent[0]);
                unsent[0] = null;
            }
        };
        if (c.length() == 0) {
            // Nothing to read, so nothing tells whether the message is still there: the view says it is.
            flush.run();
            session.send(new ResponseWriter().raw("{0}\r\n"));
            next.run();
            return;
        }
        FetchContentRequest.Builder r = FetchContentRequest.newBuilder().setMailbox(mailbox.ref()).setUid(uid)
                .setSection(c.section()).setOffset(c.offset());
        if (c.length() > 0) {
            r.setLength(c.length());
        }
        long[] expected = {-1};
        long[] written = {0};
        List<PulledStream<FetchContentRequest, FetchContentResponse>> stream = new ArrayList<>(1);
        stream.add(new PulledStream<>(session.executor(), chunk -> {
            if (expected[0] < 0) {
                long size = chunk.getSectionSize();
                long available = Math.max(0, size - c.offset());
                expected[0] = c.length() < 0 ? size : Math.min(c.length(), available);
                flush.run();
                session.send(new ResponseWriter().literalHeader(expected[0]));
            }
            int room = (int) Math.min(chunk.getData().size(), expected[0] - written[0]);
            if (room > 0) {
                session.send(chunk.getData().substring(0, room).toByteArray());
                written[0] += room;
            }
            if (session.closed()) {
                stream.get(0).cancel();
                next.run();
            } else if (session.writeQueueFull()) {
                session.onDrain(() -> stream.get(0).request(1));
            } else {
                stream.get(0).request(1);
            }
        }, () -> {
            if (expected[0] < 0) {
                expected[0] = 0;
                flush.run();
                session.send(new ResponseWriter().literalHeader(0));
            }
            if (written[0] < expected[0]) {
                // The store sent less than it announced: a literal is never completed with invented bytes.
                abandonLiteral(new IllegalStateException("the store's content ended " + (expected[0] - written[0])
                        + " bytes short of the section's size"));
                return;
            }
            next.run();
        }, t -> {
            if (expected[0] < 0) {
                if (unsent[0] != null && StoreFailure.missingMessage(t)) {
                    gone.run(); // expunged by another session since the view's last sync: not a line of it
                    return;
                }
                flush.run();
                StoreFailure f = StoreFailure.of(t);
                if (f == StoreFailure.NONEXISTENT || f == StoreFailure.INVALID) {
                    session.send(new ResponseWriter().nil());
                    next.run();
                    return;
                }
                // Close the open FETCH line so the protocol stays in step, then fail the command.
                session.send(new ResponseWriter().nil().close().crlf());
                fail(t);
            } else {
                abandonLiteral(t);
            }
            // The remaining items of this message are abandoned; the run is over.
        }));
        session.services().store().messageStub().fetchContent(r.build(), stream.get(0));
        stream.get(0).request(1);
    }

    /**
     * The content failed in the middle of a literal whose length the client already has. Padding it would make the
     * client cache a corrupt message as if it were whole, so the connection is closed instead (as POP3 does): the
     * client sees a broken download and fetches again.
     */
    private void abandonLiteral(Throwable t) {
        LOG.warnf("closing the connection: a FETCH literal could not be completed (%s)", t.toString());
        session.close();
        fail(t);
    }
}
