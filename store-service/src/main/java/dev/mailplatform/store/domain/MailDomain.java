package dev.mailplatform.store.domain;

import java.time.Instant;

/**
 * A mail domain as the store answers it; createdAt is null for a row not yet read back. The default limits are null
 * where the domain sets none (the platform default applies); the effective ones say what applies.
 */
public record MailDomain(long id, String name, Long defaultStorageLimit, Long defaultMessageLimit,
        int pop3RetentionDays, Instant createdAt, int accountCount, long effectiveStorageLimit,
        long effectiveMessageLimit) {
}
