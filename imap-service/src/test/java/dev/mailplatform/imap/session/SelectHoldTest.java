package dev.mailplatform.imap.session;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.store.v1.ChangeEvent;
import org.junit.jupiter.api.Test;

/**
 * A SELECT's new view skips its sync only when no change can have escaped it: the account's Watch stream was
 * confirmed open before the snapshot, and the events that came while no view was selected are applied to it.
 */
class SelectHoldTest {

    private static final long MAILBOX = 2;

    /** The view a complete snapshot at {@code modseq} gives: clean. */
    private static SelectedMailbox viewAt(long modseq) {
        SelectedMailbox s = new SelectedMailbox(1, MAILBOX, "INBOX", 7, false);
        s.highestModseq(modseq);
        return s;
    }

    private static ChangeEvent event(long mailboxId, long modseq) {
        return ChangeEvent.newBuilder().setAccountId(1).setMailboxId(mailboxId).setHighestModseq(modseq).build();
    }

    private static SelectedMailbox selectWith(boolean watchReady, ChangeEvent... meanwhile) {
        SelectHold hold = new SelectHold();
        hold.begin(watchReady);
        for (ChangeEvent e : meanwhile) {
            hold.hold(e);
        }
        SelectedMailbox view = viewAt(10);
        hold.end(view);
        return view;
    }

    @Test
    void withTheWatchStreamOpenAndNoEventTheViewNeedsNoSync() {
        assertFalse(selectWith(true).dirty());
    }

    @Test
    void withoutAConfirmedWatchStreamAChangeCouldEscapeSoTheViewSyncs() {
        assertTrue(selectWith(false).dirty());
    }

    @Test
    void heldEventsApplyAsTheyWouldToASelectedView() {
        assertFalse(selectWith(true, event(MAILBOX, 9), event(MAILBOX, 10)).dirty(),
                "changes the snapshot already has");
        assertFalse(selectWith(true, event(MAILBOX + 1, 50)).dirty(), "another mailbox");
        assertTrue(selectWith(true, event(MAILBOX, 9), event(MAILBOX, 11)).dirty(), "a change after the snapshot");
        assertTrue(selectWith(true, event(0, 0)).dirty(), "the stream came back: anything may have changed");
        assertTrue(selectWith(true, event(MAILBOX, 0)).dirty(), "an event without a modseq");
    }

    @Test
    void tooManyEventsToHoldMakeTheViewSync() {
        ChangeEvent[] many = new ChangeEvent[SelectHold.MAX_EVENTS];
        java.util.Arrays.fill(many, event(MAILBOX + 1, 5));
        assertFalse(selectWith(true, many).dirty(), "at the limit, all held");
        ChangeEvent[] more = java.util.Arrays.copyOf(many, many.length + 1);
        more[many.length] = event(MAILBOX + 1, 5);
        assertTrue(selectWith(true, more).dirty());
    }

    @Test
    void aViewWithoutABeginSyncs() {
        SelectHold hold = new SelectHold();
        SelectedMailbox view = viewAt(10);
        hold.end(view);
        assertTrue(view.dirty());
        hold.hold(event(MAILBOX, 11)); // nothing held outside a SELECT: no growth for a session that never selects
    }
}
