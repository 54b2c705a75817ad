package dev.mailplatform.imap.command;

import dev.mailplatform.imap.protocol.MailboxUpdates;
import dev.mailplatform.imap.protocol.ResponseWriter;
import dev.mailplatform.imap.protocol.command.SelectCommand;
import dev.mailplatform.imap.session.CommandHandler;
import dev.mailplatform.imap.session.FlagNames;
import dev.mailplatform.imap.session.ImapSession;
import dev.mailplatform.imap.session.Reply;
import dev.mailplatform.imap.session.SelectedMailbox;
import dev.mailplatform.store.v1.GetChangesResponse;
import dev.mailplatform.store.v1.MailboxRef;
import dev.mailplatform.store.v1.MessageState;
import dev.mailplatform.store.v1.SelectHeader;
import dev.mailplatform.store.v1.SelectRequest;
import dev.mailplatform.store.v1.SelectResponse;
import io.smallrye.mutiny.Uni;

/**
 * SELECT and EXAMINE: the store's snapshot streams in batches into the session's UID map (only UIDs are kept, so a
 * 100k mailbox costs 400 KB while selected), then the RFC 3501 untagged data.
 */
public final class SelectHandler implements CommandHandler<SelectCommand> {

    @Override
    public Uni<Reply> handle(ImapSession session, SelectCommand command) {
        SelectCommand.Qresync qresync = command.qresync();
        if (qresync != null && !session.mailbox().qresync()) {
            return Uni.createFrom().item(Reply.bad("QRESYNC is not enabled")); // RFC 7162 §3.2.5
        }
        if (session.selected() != null) {
            // RFC 7162 §3.2.11: where the old mailbox's responses end and the new one's begin.
            session.send(new ResponseWriter().statusResponse("*", "OK", "CLOSED", "Previous mailbox closed"));
        }
        // A failed SELECT leaves no mailbox selected (RFC 3501 §6.3.1).
        session.select(null);
        session.mailbox().beginSelect();
        if (command.condstore()) {
            session.mailbox().enableCondstore(); // SELECT (CONDSTORE), RFC 7162 §3.1.8
        }
        String name = MailboxNames.normalize(command.mailbox());
        boolean readOnly = command.readOnly();
        SelectRequest request = SelectRequest.newBuilder()
                .setMailbox(MailboxRef.newBuilder().setAccountId(session.accountId()).setMailbox(name))
                .setClaimRecent(!readOnly).build();
        Snapshot snapshot = new Snapshot();
        return session.services().store().messages().select(request).emitOn(session.executor())
                .onItem().invoke(r -> snapshot.accept(session, r, readOnly))
                .collect().last()
                .chain(last -> {
                    SelectedMailbox s = snapshot.mailbox;
                    if (s == null) {
                        return Uni.createFrom().item(Reply.no("SERVERBUG", "The store sent no snapshot"));
                    }
                    SelectHeader h = snapshot.header;
                    s.learnKeywords(h.getKeywordsList());
                    ResponseWriter w = new ResponseWriter();
                    MailboxUpdates.flags(w, FlagNames.SYSTEM, s.keywords(), readOnly);
                    MailboxUpdates.exists(w, s.exists(), s.recentCount());
                    if (snapshot.firstUnseenSeq > 0) {
                        w.statusResponse("*", "OK", "UNSEEN " + snapshot.firstUnseenSeq, "First unseen message");
                    }
                    w.statusResponse("*", "OK", "UIDVALIDITY " + Integer.toUnsignedLong(h.getUidvalidity()),
                            "UIDs valid");
                    w.statusResponse("*", "OK", "UIDNEXT " + Integer.toUnsignedLong(h.getUidnext()),
                            "Predicted next UID");
                    // Every mailbox here keeps mod-sequences, so never NOMODSEQ (RFC 7162 §3.1.2.1).
                    MailboxUpdates.highestModseq(w, h.getHighestModseq());
                    session.send(w);
                    session.select(s);
                    session.mailbox().endSelect(s);
                    Reply ok = Reply.ok(readOnly ? "READ-ONLY" : "READ-WRITE",
                            (readOnly ? "EXAMINE" : "SELECT") + " completed");
                    if (qresync == null || Integer.toUnsignedLong(h.getUidvalidity()) != qresync.uidvalidity()) {
                        // Another UIDVALIDITY: the client's cache is void, and the parameter is ignored (§3.2.5.1).
                        return Uni.createFrom().item(ok);
                    }
                    return resync(session, s, qresync).replaceWith(ok);
                });
    }

    /**
     * RFC 7162 §3.2.5: what changed since the client's mod-sequence. VANISHED (EARLIER) for the expunged UIDs it may
     * know (within its known UIDs; the store keeps every expunge, so seq-match-data is not needed), then a FETCH of
     * UID, FLAGS and MODSEQ for each message of the view changed since. Expunges and changes after the snapshot
     * are the view's own, and come with the next sync as live VANISHED and FETCH.
     */
    private static Uni<Void> resync(ImapSession session, SelectedMailbox s, SelectCommand.Qresync q) {
        return session.mailbox().changesSince(s, q.modseq(), false)
                .invoke(changes -> {
                    ResponseWriter w = new ResponseWriter();
                    session.mailbox().vanishedEarlier(w, changes,
                            u -> q.knownUids() == null || q.knownUids().contains(u, u));
                    for (GetChangesResponse r : changes) {
                        for (MessageState m : r.getChangedList()) {
                            int seq = s.seqOf(m.getUid());
                            if (seq == 0) {
                                continue; // new since the snapshot: EXISTS and FETCH come with the sync
                            }
                            session.mailbox().flagsChanged(w, seq, m);
                            s.reported(m.getUid(), m.getModseq());
                        }
                    }
                    if (w.size() > 0) {
                        session.send(w);
                    }
                })
                .replaceWithVoid();
    }

    /** Builds the view batch by batch, on the session's thread. */
    private static final class Snapshot {
        SelectHeader header;
        SelectedMailbox mailbox;
        int firstUnseenSeq;

        void accept(ImapSession session, SelectResponse r, boolean readOnly) {
            if (r.hasHeader()) {
                header = r.getHeader();
                mailbox = new SelectedMailbox(session.accountId(), header.getMailboxId(), header.getName(),
                        header.getUidvalidity(), readOnly);
                mailbox.highestModseq(header.getHighestModseq());
                // SELECT's claim, or for EXAMINE the messages no session claimed yet (shown, not claimed).
                mailbox.addRecent(Integer.toUnsignedLong(header.getRecentFromUid()),
                        Integer.toUnsignedLong(header.getUidnext()) - 1);
                // Unless the store read header and batches as one state, changes since the header come from
                // GetChanges.
                if (!header.getComplete()) {
                    mailbox.markDirty();
                }
                return;
            }
            for (MessageState m : r.getBatch().getMessagesList()) {
                if (mailbox.add(m.getUid()) && firstUnseenSeq == 0 && (m.getSystemFlags() & FlagNames.SEEN) == 0) {
                    firstUnseenSeq = mailbox.exists();
                }
            }
        }
    }
}
