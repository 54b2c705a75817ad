package dev.mailplatform.store.domain;

/** A mailbox by its account and name; {@code expectedUidvalidity} 0 means the caller expects none. */
public record MailboxRef(long accountId, String mailbox, long expectedUidvalidity) {
}
