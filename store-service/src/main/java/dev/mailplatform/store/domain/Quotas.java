package dev.mailplatform.store.domain;

import dev.mailplatform.store.error.StoreException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/**
 * One quota root ("") per account, covering all its mailboxes. Limits come from the account, else from its
 * domain's defaults, else from the platform default (mail.quota.*, the table platform_quota); 0 means unlimited.
 * Usage is kept in the account row and changes in the message transactions.
 */
@ApplicationScoped
public class Quotas {

    public static final String ROOT = "";

    /** Usage and effective limits, and the warning level reached ({@link QuotaWarnings}). */
    public record Usage(long storageUsed, long storageLimit, long messagesUsed, long messageLimit, int warned) {

        /** This usage after adding (or, negative, releasing) bytes and messages. */
        public Usage plus(long bytes, long messages) {
            return new Usage(storageUsed + bytes, storageLimit, messagesUsed + messages, messageLimit, warned);
        }
    }

    private final Db db;
    private final QuotaWarnings warnings;

    public Quotas(Db db, QuotaWarnings warnings) {
        this.db = db;
        this.warnings = warnings;
    }

    /** The effective limits of account a in domain d: the most specific one set. */
    static final String STORAGE_LIMIT = "COALESCE(a.storage_limit, d.default_storage_limit, "
            + "(SELECT storage_limit FROM platform_quota))";
    static final String MESSAGE_LIMIT = "COALESCE(a.message_limit, d.default_message_limit, "
            + "(SELECT message_limit FROM platform_quota))";
    /** The first five columns of a usage query, read by {@link #usage(ResultSet)}; {@link #USAGE_FROM} follows. */
    static final String USAGE_COLUMNS = "SELECT a.storage_used, a.messages_used, " + STORAGE_LIMIT + ", "
            + MESSAGE_LIMIT + ", a.quota_warned";
    static final String USAGE_FROM = " FROM account a JOIN domain d ON d.id = a.domain_id";

    static Usage usage(ResultSet rs) throws SQLException {
        return new Usage(rs.getLong(1), rs.getLong(3), rs.getLong(2), rs.getLong(4), rs.getInt(5));
    }

    private Usage usage(long accountId, boolean lock) {
        return db.one(USAGE_COLUMNS + USAGE_FROM + " WHERE a.id = ?" + (lock ? " FOR UPDATE OF a" : ""),
                Quotas::usage, accountId)
                .orElseThrow(() -> StoreException.notFound("no account " + accountId));
    }

    /** Locks the account row, so that concurrent appends and copies charge the quota one after another. */
    public Usage lock(long accountId) {
        return usage(accountId, true);
    }

    /** The usage without a lock, for a cheap early refusal. */
    public Usage peek(long accountId) {
        return usage(accountId, false);
    }

    /** Throws RESOURCE_EXHAUSTED with the figures when adding bytes and messages would exceed a limit. */
    public void check(Usage u, long addBytes, long addMessages) {
        boolean overStorage = u.storageLimit() > 0 && u.storageUsed() + addBytes > u.storageLimit();
        boolean overCount = u.messageLimit() > 0 && u.messagesUsed() + addMessages > u.messageLimit();
        if (overStorage || overCount) {
            throw exceeded(u, addBytes, addMessages);
        }
    }

    /** The RESOURCE_EXHAUSTED error with the figures, as trailers too. */
    public static StoreException exceeded(Usage u, long addBytes, long addMessages) {
        boolean overStorage = u.storageLimit() > 0 && u.storageUsed() + addBytes > u.storageLimit();
        return new StoreException(StoreException.Kind.RESOURCE_EXHAUSTED,
                    "over quota: storage " + u.storageUsed() + "+" + addBytes + "/" + u.storageLimit()
                            + " bytes, messages " + u.messagesUsed() + "+" + addMessages + "/" + u.messageLimit(),
                    Map.of("x-quota-storage-used", String.valueOf(u.storageUsed()),
                            "x-quota-storage-limit", String.valueOf(u.storageLimit()),
                            "x-quota-messages-used", String.valueOf(u.messagesUsed()),
                            "x-quota-message-limit", String.valueOf(u.messageLimit()),
                            "x-quota-resource", overStorage ? "STORAGE" : "MESSAGE"));
    }

    /** 1 PiB: far above any real mailbox, so a larger figure is a typing error. */
    public static final long MAX_LIMIT = 1L << 50;

    /** Refuses a negative (a uint64 past 2^63 arrives negative) or absurd limit; null passes. */
    public static void validateLimit(String what, Long limit) {
        if (limit != null && (limit < 0 || limit > MAX_LIMIT)) {
            throw StoreException.invalid(what + " must be 0 (unlimited) .. " + MAX_LIMIT);
        }
    }

    public void charge(long accountId, long bytes, long messages) {
        db.update("UPDATE account SET storage_used = storage_used + ?, messages_used = messages_used + ? WHERE id = ?",
                bytes, messages, accountId);
    }

    /** The usage and limits of the account's quota root (there is one, {@link #ROOT}). */
    @Transactional
    public Usage get(long accountId, String root) {
        if (!ROOT.equals(root)) {
            throw StoreException.notFound("no quota root \"" + root + "\"");
        }
        return peek(accountId);
    }

    @Transactional
    public Usage set(long accountId, Long storageLimit, Long messageLimit) {
        validateLimit("storage limit", storageLimit);
        validateLimit("message limit", messageLimit);
        if (db.one("SELECT 1 FROM account WHERE id = ? FOR UPDATE", rs -> 1, accountId).isEmpty()) {
            throw StoreException.notFound("no account " + accountId);
        }
        if (storageLimit != null) {
            db.update("UPDATE account SET storage_limit = ? WHERE id = ?", storageLimit, accountId);
        }
        if (messageLimit != null) {
            db.update("UPDATE account SET message_limit = ? WHERE id = ?", messageLimit, accountId);
        }
        // A lower limit may put the account past a warning threshold, a higher one back under it.
        warnings.recheckAfterCommit(accountId);
        return get(accountId, ROOT);
    }
}
