package dev.mailplatform.store.domain;

import java.util.List;

/**
 * What an APPEND says before its bytes: the mailbox, the flags, the internal date (epoch milliseconds, 0: now) and
 * the size the client declared (0: unknown).
 */
public record AppendSpec(MailboxRef mailbox, int systemFlags, List<String> keywords, long internalDate,
        long declaredSize) {
}
