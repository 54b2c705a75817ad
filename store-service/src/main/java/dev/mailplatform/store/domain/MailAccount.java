package dev.mailplatform.store.domain;

import java.time.Instant;

/**
 * An account as the store answers it. The limits and the retention are null where the account has none of its own
 * (the domain's default applies); createdAt is null for a row not yet read back.
 */
public record MailAccount(long id, String address, long domainId, String displayName, boolean disabled,
        Long storageLimit, Long messageLimit, long storageUsed, long messagesUsed, Integer pop3RetentionDays,
        int pop3LoginDelaySeconds, Instant createdAt) {
}
