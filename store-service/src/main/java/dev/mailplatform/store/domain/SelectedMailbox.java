package dev.mailplatform.store.domain;

import java.util.List;

/** The head of a SELECT: the mailbox's counters and the keywords in use (at most 200). */
public record SelectedMailbox(long mailboxId, String name, long uidvalidity, long uidnext, long highestModseq,
        int messages, int unseen, List<String> keywords, String specialUse) {
}
