package dev.mailplatform.store.change;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What one batch of the sender carries: the latest event per kind and mailbox, everything else as it came. */
class ChangeBusMergeTest {

    private static ChangeBus.Outgoing event(ChangeKind kind, long mailboxId, String name, long modseq, int messages) {
        return ChangeBus.Outgoing.of(new Change(1, mailboxId, name, kind, modseq, messages + 1, messages));
    }

    @Test
    void eventsOfOneKindForOneMailboxBecomeTheOneWithTheHighestModseq() {
        List<ChangeBus.Outgoing> batch = List.of(
                event(ChangeKind.MESSAGES_ADDED, 10, "INBOX", 5, 4),
                event(ChangeKind.MESSAGES_ADDED, 11, "Sent", 3, 2),
                // Queued after, committed before (two lanes): the higher modseq wins, not the later event.
                event(ChangeKind.MESSAGES_ADDED, 10, "INBOX", 7, 6),
                event(ChangeKind.MESSAGES_ADDED, 10, "INBOX", 6, 5),
                event(ChangeKind.FLAGS_CHANGED, 10, "INBOX", 8, 6),
                event(ChangeKind.MAILBOX_CREATED, 12, "a|b", 1, 0),
                event(ChangeKind.MAILBOX_CREATED, 12, "a|b", 1, 0),
                event(ChangeKind.MESSAGES_EXPUNGED, 11, "Sent", 4, 1),
                event(ChangeKind.MESSAGES_EXPUNGED, 11, "Sent", 5, 0));
        assertEquals(List.of(
                "1|1|10|7|7|6|INBOX",
                "1|1|11|3|3|2|Sent",
                "2|1|10|8|7|6|INBOX",
                // Mailbox events are never merged: each one is news of its own.
                "4|1|12|1|1|0|a|b",
                "4|1|12|1|1|0|a|b",
                "3|1|11|5|1|0|Sent"), ChangeBus.merge(batch));
    }
}
