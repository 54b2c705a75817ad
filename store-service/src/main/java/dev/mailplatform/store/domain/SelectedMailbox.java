package dev.mailplatform.store.domain;

import java.util.List;

/**
 * The head of a SELECT: the mailbox's counters, the keywords in use (at most 200), and the first UID that is \Recent
 * for this session (see MessageReads#selectHeader).
 */
public record SelectedMailbox(long mailboxId, String name, long uidvalidity, long uidnext, long highestModseq,
        int messages, int unseen, List<String> keywords, String specialUse, long recentFromUid) {
}
