package dev.mailplatform.imap.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A session's own change moves its view without a GetChanges when the store's previous modseq is the view's, and
 * the Watch event of that change, before or after the reply, leaves the view clean; any newer event, or a change
 * of someone else in between, leaves it stale.
 */
class SelectedMailboxOwnChangeTest {

    private static SelectedMailbox viewAt(long modseq) {
        SelectedMailbox s = new SelectedMailbox(1, 2, "INBOX", 7, false);
        s.highestModseq(modseq);
        assertFalse(s.dirty());
        return s;
    }

    @Test
    void theReplyBeforeItsEventLeavesTheViewClean() {
        SelectedMailbox s = viewAt(10);
        assertTrue(s.ownChange(10, 11));
        assertEquals(11, s.highestModseq());
        s.changedTo(11);
        assertFalse(s.dirty());
        s.changedTo(12);
        assertTrue(s.dirty(), "someone else's change after this one");
    }

    @Test
    void theEventBeforeItsReplyIsSettledByTheReply() {
        SelectedMailbox s = viewAt(10);
        s.changedTo(11);
        assertTrue(s.dirty(), "until the reply comes, the event may be anyone's");
        assertTrue(s.ownChange(10, 11));
        assertFalse(s.dirty());
    }

    @Test
    void aNewerEventBeforeTheReplyKeepsTheViewStale() {
        SelectedMailbox s = viewAt(10);
        // Events are merged: one may already name a change made after this session's own.
        s.changedTo(12);
        assertTrue(s.ownChange(10, 11));
        assertEquals(11, s.highestModseq());
        assertTrue(s.dirty());
    }

    @Test
    void someoneElsesChangeInBetweenLeavesTheViewWhereItWasAndStale() {
        SelectedMailbox s = viewAt(10);
        assertFalse(s.ownChange(11, 12));
        assertEquals(10, s.highestModseq());
        assertTrue(s.dirty());
        s.clearDirty();
        s.changedTo(12);
        assertTrue(s.dirty(), "the events still name what the view lacks");
    }

    @Test
    void twoModseqsAreNotOneOwnChange() {
        // A MOVE into the selected mailbox: the copies took one modseq, the expunge another.
        SelectedMailbox s = viewAt(10);
        assertFalse(s.ownChange(10, 12));
        assertEquals(10, s.highestModseq());
        assertTrue(s.dirty());
    }

    @Test
    void aChangeThatChangedNothingKeepsTheViewCleanAndWhereItWas() {
        SelectedMailbox s = viewAt(10);
        assertTrue(s.ownChange(10, 10));
        assertEquals(10, s.highestModseq());
        assertFalse(s.dirty());
    }

    @Test
    void aStaleViewForAnotherReasonStaysStale() {
        SelectedMailbox s = viewAt(10);
        s.markDirty(); // NOOP, a mailbox-0 or modseq-0 event, a failed sync
        assertTrue(s.ownChange(10, 11));
        assertTrue(s.dirty());
    }

    @Test
    void theStatesThisSessionReportedAreForgottenOnceTheViewPassesThem() {
        SelectedMailbox s = viewAt(10);
        s.add(5);
        s.reported(5, 11);
        assertTrue(s.ownChange(10, 11));
        assertFalse(s.alreadyReported(5, 11));
    }

    @Test
    void aSyncCoversTheEventsSeenBeforeItBegan() {
        SelectedMailbox s = viewAt(10);
        s.changedTo(15);
        long before = s.eventModseq();
        s.clearDirty();
        s.changedTo(20); // during the call
        s.highestModseq(16); // what the sync read
        s.eventsCovered(before);
        assertTrue(s.dirty(), "an event newer than the sync's answer");
        before = s.eventModseq();
        s.highestModseq(20);
        s.eventsCovered(before);
        assertFalse(s.dirty());
        // A sync that answered below an event it covered does not loop on it.
        s.changedTo(25);
        before = s.eventModseq();
        s.highestModseq(24);
        s.eventsCovered(before);
        assertFalse(s.dirty());
    }
}
