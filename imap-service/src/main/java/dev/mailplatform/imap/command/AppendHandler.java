package dev.mailplatform.imap.command;

import com.google.protobuf.ByteString;
import dev.mailplatform.imap.protocol.ParseEvent;
import dev.mailplatform.imap.session.AppendSink;
import dev.mailplatform.imap.session.FlagNames;
import dev.mailplatform.imap.session.ImapException;
import dev.mailplatform.imap.session.ImapSession;
import dev.mailplatform.imap.session.Reply;
import dev.mailplatform.imap.session.StoreReplies;
import dev.mailplatform.imap.session.StreamingHandler;
import dev.mailplatform.store.v1.AppendHeader;
import dev.mailplatform.store.v1.AppendRequest;
import dev.mailplatform.store.v1.AppendResponse;
import dev.mailplatform.store.v1.Flags;
import dev.mailplatform.store.v1.MailboxRef;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.ByteArrayOutputStream;

/**
 * APPEND (with UIDPLUS APPENDUID). The parser hands over the message literal in pieces as they arrive; they go
 * straight into the store's client-streaming Append, coalesced to 64 KB messages. When gRPC's send buffer is full
 * the socket stops being read (isReady/onReady), so memory stays bounded whatever the message size. If the client
 * goes away mid-literal the call is cancelled and the store keeps nothing.
 */
public final class AppendHandler implements StreamingHandler {

    private static final int CHUNK = 64 * 1024;

    @Override
    public void start(ImapSession session, ParseEvent.AppendStart a) {
        long started = session.commandLoop().beginCommand();
        Flags flags;
        String mailbox;
        try {
            flags = FlagNames.toStore(a.flags());
            mailbox = MailboxNames.normalize(a.mailbox());
        } catch (ImapException e) {
            refuse(session, a, e.reply(), started);
            return;
        }
        AppendHeader.Builder header = AppendHeader.newBuilder()
                .setMailbox(MailboxRef.newBuilder().setAccountId(session.accountId()).setMailbox(mailbox))
                .setFlags(flags).setDeclaredSize(a.size());
        if (a.internalDate() != null) {
            header.setInternalDate(a.internalDate().toInstant().toEpochMilli());
        }
        Upload upload = new Upload(session, a.tag(), mailbox, started);
        session.commandLoop().appendStarted(upload);
        session.services().store().messageStub().append(upload);
        upload.send(AppendRequest.newBuilder().setHeader(header).build());
        if (a.synchronizing()) {
            session.send(new dev.mailplatform.imap.protocol.ResponseWriter().continuation("Ready for literal data"));
            session.commandLoop().parser().acceptLiteral();
        }
    }

    @Override
    public void refuse(ImapSession session, ParseEvent.AppendStart a, Reply reply) {
        refuse(session, a, reply, session.commandLoop().beginCommand());
    }

    /** Refuses before the literal: a synchronising one is never sent; a LITERAL+ one is read and dropped. */
    private static void refuse(ImapSession session, ParseEvent.AppendStart a, Reply reply, long started) {
        if (a.synchronizing()) {
            session.commandLoop().parser().rejectLiteral();
            session.commandLoop().complete(a.tag(), "APPEND", false, reply, started);
            return;
        }
        session.commandLoop().parser().discardAppend();
        session.commandLoop().appendStarted(new AppendSink() {
            @Override
            public boolean accepting() {
                return true;
            }

            @Override
            public void data(byte[] chunk) {
            }

            @Override
            public void end() {
                session.commandLoop().complete(a.tag(), "APPEND", false, reply, started);
            }

            @Override
            public void abort() {
            }
        });
    }

    /** One APPEND's stream to the store; every method runs on the session's context except the gRPC callbacks. */
    private static final class Upload implements AppendSink,
            ClientResponseObserver<AppendRequest, AppendResponse> {

        private final ImapSession session;
        private final String tag;
        private final String mailbox;
        private final long started;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private volatile ClientCallStreamObserver<AppendRequest> requests;
        private AppendResponse response;
        private Throwable failure;
        private boolean literalDone;
        private boolean callDone;
        private boolean completed;

        Upload(ImapSession session, String tag, String mailbox, long started) {
            this.session = session;
            this.tag = tag;
            this.mailbox = mailbox;
            this.started = started;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<AppendRequest> stream) {
            requests = stream;
            stream.setOnReadyHandler(session.commandLoop()::resumeInput);
        }

        void send(AppendRequest r) {
            if (failure == null && !callDone) {
                requests.onNext(r);
            }
        }

        @Override
        public boolean accepting() {
            return failure != null || callDone || requests.isReady();
        }

        @Override
        public void data(byte[] chunk) {
            if (failure != null || callDone) {
                return;
            }
            pending.write(chunk, 0, chunk.length);
            if (pending.size() >= CHUNK) {
                flush();
            }
        }

        private void flush() {
            if (pending.size() > 0) {
                send(AppendRequest.newBuilder().setChunk(ByteString.copyFrom(pending.toByteArray())).build());
                pending.reset();
            }
        }

        @Override
        public void end() {
            literalDone = true;
            if (failure == null && !callDone) {
                flush();
                requests.onCompleted();
            }
            maybeComplete();
        }

        @Override
        public void abort() {
            if (!callDone) {
                requests.cancel("client disconnected mid-literal", null);
            }
        }

        // ---- gRPC callbacks (any thread): hop onto the session's context

        @Override
        public void onNext(AppendResponse value) {
            session.executor().execute(() -> response = value);
        }

        @Override
        public void onError(Throwable t) {
            session.executor().execute(() -> {
                callDone = true;
                failure = t;
                if (!literalDone) {
                    // Nothing more goes to the store; the rest of the literal is read and dropped.
                    session.commandLoop().parser().discardAppend();
                    session.commandLoop().resumeInput();
                }
                maybeComplete();
            });
        }

        @Override
        public void onCompleted() {
            session.executor().execute(() -> {
                callDone = true;
                maybeComplete();
            });
        }

        private void maybeComplete() {
            if (completed || !literalDone || !callDone) {
                return;
            }
            completed = true;
            Reply reply;
            if (failure != null) {
                reply = CopyHandler.tryCreate(StoreReplies.of(failure, "APPEND"));
            } else if (response == null) {
                reply = StoreReplies.of(Status.INTERNAL.withDescription("no append response").asRuntimeException(),
                        "APPEND");
            } else {
                if (session.selected() != null && session.selected().name().equals(mailbox)) {
                    // Not applied from the reply like STORE's: the new message is \Recent for the session that first
                    // tells of it (RFC 3501 §2.3.2), and only GetChanges claims it, so its EXISTS comes from the sync.
                    session.selected().markDirty();
                }
                reply = Reply.ok("APPENDUID " + Integer.toUnsignedLong(response.getUidvalidity()) + " "
                        + Integer.toUnsignedLong(response.getUid()), "APPEND completed");
            }
            session.commandLoop().complete(tag, "APPEND", true, reply, started);
        }
    }
}
