package dev.mailplatform.store.domain;

/**
 * FetchContent: a section of one message, from {@code offset} for {@code length} bytes (both unsigned; length 0:
 * to the end), setting \Seen when {@code setSeen}.
 */
public record ContentRequest(MailboxRef mailbox, long uid, SectionSpec section, long offset, long length,
        boolean setSeen) {
}
