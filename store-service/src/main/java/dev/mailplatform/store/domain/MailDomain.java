package dev.mailplatform.store.domain;

import java.time.Instant;

/** A mail domain as the store answers it; createdAt is null for a row not yet read back. */
public record MailDomain(long id, String name, long defaultStorageLimit, long defaultMessageLimit,
        int pop3RetentionDays, Instant createdAt, int accountCount) {
}
