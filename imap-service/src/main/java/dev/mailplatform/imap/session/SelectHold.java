package dev.mailplatform.imap.session;

import dev.mailplatform.store.v1.ChangeEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * What a SELECT in flight must remember for the view it is building. No view is selected while the store's snapshot
 * is read, so a change event that comes then cannot be applied to one; it is held, and applied to the new view once
 * that is in place. The view needs no sync of its own when the account's Watch stream was confirmed open before the
 * snapshot was read (every later change then comes as an event) and the store read the snapshot as one state
 * (SelectHeader.complete). Plain state, used on the session's thread only.
 */
final class SelectHold {

    /** More events than this during one SELECT: the new view syncs rather than keep them. */
    static final int MAX_EVENTS = 64;

    private boolean active;
    private boolean watchReady;
    /** Null after more than {@link #MAX_EVENTS}. */
    private List<ChangeEvent> events;

    /** A SELECT is about to read the snapshot; {@code watchReady}: the account's Watch stream is confirmed open. */
    void begin(boolean watchReady) {
        active = true;
        this.watchReady = watchReady;
        events = new ArrayList<>();
    }

    /** An event that came while no view was selected. */
    void hold(ChangeEvent e) {
        if (!active || events == null) {
            return;
        }
        if (events.size() < MAX_EVENTS) {
            events.add(e);
        } else {
            events = null;
        }
    }

    /**
     * The new view is in place: applies the held events to it as they would have been had it been selected, and
     * marks it stale when it may have missed one.
     */
    void end(SelectedMailbox view) {
        if (!active || !watchReady || events == null) {
            view.markDirty();
        } else {
            events.forEach(e -> apply(view, e));
        }
        active = false;
        events = null;
    }

    /** Applies an event to a view: whether it concerns the view's mailbox. */
    static boolean apply(SelectedMailbox s, ChangeEvent e) {
        if (e.getMailboxId() != 0 && e.getMailboxId() != s.mailboxId()) {
            return false;
        }
        if (e.getMailboxId() == 0 || e.getHighestModseq() == 0) {
            s.markDirty();
        } else {
            // Stale while above the view's modseq; this session's own change is settled by its reply instead.
            s.changedTo(e.getHighestModseq());
        }
        return true;
    }
}
