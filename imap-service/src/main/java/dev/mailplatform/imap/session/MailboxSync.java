package dev.mailplatform.imap.session;

import dev.mailplatform.imap.protocol.MailboxUpdates;
import dev.mailplatform.imap.protocol.ResponseWriter;
import dev.mailplatform.protocol.StoreFailure;
import dev.mailplatform.store.v1.ChangeEvent;
import dev.mailplatform.store.v1.GetChangesRequest;
import dev.mailplatform.store.v1.GetChangesResponse;
import dev.mailplatform.store.v1.MessageState;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongPredicate;

/**
 * The session's selected mailbox kept in step with the store: it owns the view (the UID of each sequence number),
 * learns of other sessions' changes from the account's Watch, pulls them with GetChanges, and writes every untagged
 * EXPUNGE, EXISTS and FETCH FLAGS that follows from them or from this session's own expunges, always through
 * {@link MailboxUpdates}. Runs on the session's event loop only.
 */
public final class MailboxSync {

    private final ImapSession session;
    private SelectedMailbox selected;
    private boolean syncing;
    private final SelectHold selectHold = new SelectHold();
    private final List<Runnable> afterSync = new ArrayList<>();
    /** Set while IDLE waits: changes are then written as they come. */
    private boolean idling;
    /** RFC 7162: once a CONDSTORE enabling command ran, every FETCH of flags carries UID and MODSEQ. */
    private boolean condstore;
    /** RFC 7162 §3.2: after ENABLE QRESYNC, expunges are told as VANISHED, and SELECT takes the QRESYNC parameter. */
    private boolean qresync;

    MailboxSync(ImapSession session) {
        this.session = session;
    }

    public SelectedMailbox selected() {
        return selected;
    }

    void select(SelectedMailbox mailbox) {
        selected = mailbox;
    }

    /** A SELECT or EXAMINE is about to read the store's snapshot, with no view selected ({@link SelectHold}). */
    public void beginSelect() {
        selectHold.begin(session.watchReady());
    }

    /** Its view is in place: the events that came meanwhile apply to it, and it syncs if it may have missed one. */
    public void endSelect(SelectedMailbox s) {
        selectHold.end(s);
    }

    /** Whether CONDSTORE is enabled in this session (ENABLE, or any CONDSTORE enabling command, RFC 7162 §3.1). */
    public boolean condstore() {
        return condstore;
    }

    /**
     * Enables CONDSTORE for the rest of the session. The first time, with a mailbox selected, its HIGHESTMODSEQ is
     * sent at once (RFC 7162 §3.1: the client learns where it stands without selecting again).
     */
    public void enableCondstore() {
        if (condstore) {
            return;
        }
        condstore = true;
        SelectedMailbox s = selected;
        if (s != null) {
            session.send(MailboxUpdates.highestModseq(new ResponseWriter(), s.highestModseq()));
        }
    }

    public boolean qresync() {
        return qresync;
    }

    /** ENABLE QRESYNC; it implies CONDSTORE (RFC 7162 §3.2.3). */
    public void enableQresync() {
        qresync = true;
        enableCondstore();
    }

    /** The MODSEQ to show in a FETCH of flags: the message's once CONDSTORE is enabled, else 0 (none). */
    public long shownModseq(long modseq) {
        return condstore ? modseq : 0;
    }

    /** IDLE began (changes are written as they come) or ended. */
    public void idle(boolean on) {
        idling = on;
    }

    boolean idling() {
        return idling;
    }

    /** True while changes are being written: no command may start, its sequence numbers must stay valid. */
    boolean syncing() {
        return syncing;
    }

    /** A change in the account, on the session's event loop: marks the view stale, and shows it at once in IDLE. */
    void onChange(ChangeEvent e) {
        SelectedMailbox s = selected;
        if (s == null) {
            selectHold.hold(e); // a SELECT in flight, if any, applies it to its view
        }
        if (session.closed() || s == null) {
            return;
        }
        if (SelectHold.apply(s, e)) {
            if (idling) {
                sync().subscribe().with(x -> { }, t -> { });
            }
        }
    }

    /**
     * This session's own change to {@code s} (STORE, EXPUNGE, MOVE out of it) went through, and its handler already
     * applied it to the view and wrote its untagged responses. The store read {@code previous} as the mailbox's
     * highest modseq under the row lock the change took, and left it at {@code after}; modseqs are allocated under
     * that lock, so when {@code previous} is this view's, no one else changed the mailbox in between, and the view
     * moves to {@code after} without a GetChanges. The Watch event of the change names {@code after}, and whether it
     * came before this reply or comes after it, it then leaves the view clean; a newer event keeps it stale. Else (or
     * when an older store sent no {@code previous}) the view is marked stale and the next sync pulls what it missed.
     * Returns whether the view moved.
     */
    public boolean ownChange(SelectedMailbox s, boolean hasPrevious, long previous, long after) {
        if (selected != s || session.closed()) {
            return false;
        }
        if (!hasPrevious || syncing) {
            // A sync in flight may answer with this change, or not: it is left to the next one.
            s.markDirty();
            return false;
        }
        return s.ownChange(previous, after);
    }

    /**
     * Writes FLAGS and PERMANENTFLAGS when {@code flags} hold a keyword the client has not been told of: it must see
     * them before a FETCH shows that keyword (RFC 3501 §7.2.6), whoever set it.
     */
    public void announceKeywords(ResponseWriter w, Collection<String> flags) {
        SelectedMailbox s = selected;
        if (s != null && s.learnKeywords(flags)) {
            MailboxUpdates.flags(w, FlagNames.SYSTEM, s.keywords(), s.readOnly());
        }
    }

    /**
     * The store's changes to {@code s} since {@code modseq}, changed and vanished messages, on the session's thread;
     * {@code claimRecent}: claim the messages no session has seen as this session's \Recent.
     */
    public Uni<List<GetChangesResponse>> changesSince(SelectedMailbox s, long modseq, boolean claimRecent) {
        GetChangesRequest request = GetChangesRequest.newBuilder().setMailbox(s.ref()).setSinceModseq(modseq)
                .setIncludeVanished(true).setClaimRecent(claimRecent).build();
        return session.services().store().messages().getChanges(request).collect().asList()
                .emitOn(session.executor());
    }

    /**
     * RFC 7162 {@code * VANISHED (EARLIER)} for the UIDs these changes say vanished that {@code asked} names and this
     * view does not hold: those it holds were expunged after its last sync, which tells them live.
     */
    public void vanishedEarlier(ResponseWriter w, List<GetChangesResponse> changes, LongPredicate asked) {
        List<Long> earlier = new ArrayList<>();
        for (GetChangesResponse r : changes) {
            for (int uid : r.getVanishedList()) {
                long u = Integer.toUnsignedLong(uid);
                if (selected.seqOf(uid) == 0 && asked.test(u)) {
                    earlier.add(u);
                }
            }
        }
        if (!earlier.isEmpty()) {
            MailboxUpdates.vanished(w, earlier.stream().mapToLong(Long::longValue).toArray(), true);
        }
    }

    /** FETCH (UID FLAGS [MODSEQ]) of a message changed elsewhere, after FLAGS if it brings a new keyword. */
    public void flagsChanged(ResponseWriter w, int seq, MessageState m) {
        announceKeywords(w, m.getKeywordsList());
        MailboxUpdates.flagsChanged(w, seq, m.getUid(),
                FlagNames.toImap(m.getSystemFlags(), m.getKeywordsList(), selected.isRecent(m.getUid())),
                shownModseq(m.getModseq()));
    }

    /**
     * One EXPUNGE per removed message, each with the sequence number it has at that moment (RFC 3501 §7.4.1), or
     * once QRESYNC is enabled one VANISHED for them all (RFC 7162 §3.2.10).
     */
    public void expunged(Iterable<Integer> uids) {
        ResponseWriter w = new ResponseWriter();
        removed(w, uids);
        if (w.size() > 0) {
            session.send(w);
        }
    }

    private void removed(ResponseWriter w, Iterable<Integer> uids) {
        List<Long> gone = new ArrayList<>();
        for (int uid : uids) {
            int seq = selected.remove(uid);
            if (seq > 0) {
                if (qresync) {
                    gone.add(Integer.toUnsignedLong(uid));
                } else {
                    MailboxUpdates.expunge(w, seq);
                }
            }
        }
        if (!gone.isEmpty()) {
            MailboxUpdates.vanished(w, gone.stream().mapToLong(Long::longValue).toArray(), false);
        }
    }

    /**
     * Pulls the selected mailbox's changes since this view's modseq and writes them: EXPUNGE for vanished
     * messages, FETCH FLAGS for changed ones, EXISTS for new ones.
     */
    public Uni<Void> sync() {
        SelectedMailbox s = selected;
        if (syncing) {
            return done().chain(this::sync);
        }
        if (s == null || !s.dirty()) {
            return Uni.createFrom().voidItem();
        }
        syncing = true;
        s.clearDirty();
        long eventsBefore = s.eventModseq();
        boolean[] failed = {false};
        return changesSince(s, s.highestModseq(), !s.readOnly())
                .onItem().invoke(responses -> {
                    apply(s, responses);
                    s.eventsCovered(eventsBefore);
                })
                .onFailure().invoke(t -> {
                    failed[0] = true;
                    s.markDirty();
                    StoreFailure f = StoreFailure.of(t);
                    if (f == StoreFailure.NONEXISTENT || f == StoreFailure.CANNOT) {
                        session.bye("The selected mailbox was deleted or renamed");
                    }
                })
                .onTermination().invoke(this::ended)
                .onFailure().recoverWithNull().replaceWithVoid()
                // After a failure the mailbox stays dirty for the next command: retrying at once looped for as long
                // as the store was down, and the command waiting on it never got its reply.
                .chain(() -> !failed[0] && selected == s && s.dirty() && !session.closed() ? sync()
                        : Uni.createFrom().voidItem());
    }

    /** Completes once no sync is writing (at once when none runs). */
    Uni<Void> done() {
        if (!syncing) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().emitter(e -> afterSync.add(() -> e.complete(null)));
    }

    private void ended() {
        syncing = false;
        List<Runnable> waiting = new ArrayList<>(afterSync);
        afterSync.clear();
        waiting.forEach(Runnable::run);
        session.commandLoop().syncEnded();
    }

    private void apply(SelectedMailbox s, List<GetChangesResponse> responses) {
        if (selected != s || session.closed()) {
            return;
        }
        long highest = s.highestModseq();
        List<MessageState> changed = new ArrayList<>();
        // The store reads the changed and the vanished messages in separate queries: a message expunged between
        // them comes back in both. It is gone; without this it would be re-added (EXPUNGE, then a bogus EXISTS,
        // then EXPUNGE again on the next sync).
        Set<Integer> vanished = new HashSet<>();
        ResponseWriter out = new ResponseWriter();
        for (GetChangesResponse r : responses) {
            highest = Math.max(highest, r.getHighestModseq());
            if (r.getRecentFromUid() != 0) {
                s.addRecent(Integer.toUnsignedLong(r.getRecentFromUid()), Integer.toUnsignedLong(r.getRecentThroughUid()));
            }
            vanished.addAll(r.getVanishedList());
            removed(out, r.getVanishedList());
            changed.addAll(r.getChangedList());
        }
        int before = s.exists();
        for (MessageState m : changed) {
            if (vanished.contains(m.getUid())) {
                continue;
            }
            int seq = s.seqOf(m.getUid());
            if (seq > 0) {
                if (!s.alreadyReported(m.getUid(), m.getModseq())) {
                    flagsChanged(out, seq, m);
                }
            } else if (s.add(m.getUid())) {
                // A new message's keywords (a COPY, an APPEND with flags) are announced with its EXISTS.
                announceKeywords(out, m.getKeywordsList());
            }
        }
        if (s.exists() != before) {
            MailboxUpdates.exists(out, s.exists(), s.recentCount());
        }
        s.highestModseq(highest);
        s.clearReported();
        if (out.size() > 0) {
            session.send(out);
        }
    }
}
