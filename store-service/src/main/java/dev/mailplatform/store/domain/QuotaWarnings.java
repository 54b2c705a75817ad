package dev.mailplatform.store.domain;

import dev.mailplatform.store.config.StoreConfig;
import dev.mailplatform.store.error.StoreException;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * Quota warnings. Each account has a warning level: how many of the thresholds ({@code mail.quota.warning-percents},
 * 80 and 95 by default) its usage has reached, of storage or of messages, whichever is fuller. The level it was
 * last warned of is kept in {@code account.quota_warned}. When the usage climbs to a higher level the account gets
 * one message in its INBOX for that threshold, quota-exempt, so the warning never fills the mailbox; when the usage
 * falls (expunges, a larger limit) the kept level follows it down, so crossing a threshold again warns again. Like
 * Dovecot's quota_warning, a jump over two thresholds at once sends the higher one's message only.
 *
 * <p>The check is level-based, not event-based: any commit that adds mail compares the level of the usage it
 * left with the kept one, from figures the append statement returns anyway, so the common append costs no extra
 * statement, and a crossing missed in a race (two appends at once) is caught by the next append. The claim of a
 * level is one statement under the account's row lock, so two replicas never warn twice.
 */
@ApplicationScoped
public class QuotaWarnings {

    private static final Logger LOG = Logger.getLogger(QuotaWarnings.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Db db;
    private final MessageAppends appends;
    private final MailboxStore mailboxes;
    private final TransactionSynchronizationRegistry transactions;
    private final MeterRegistry registry;
    private final int[] thresholds;
    private final int alertPercent;
    private final String from;
    private final String claimSql;

    public QuotaWarnings(Db db, MessageAppends appends, MailboxStore mailboxes,
            TransactionSynchronizationRegistry transactions, StoreConfig config, MeterRegistry registry) {
        this.db = db;
        this.appends = appends;
        this.mailboxes = mailboxes;
        this.transactions = transactions;
        this.registry = registry;
        this.thresholds = parse(config.quota().warningPercents());
        this.alertPercent = config.quota().alertPercent();
        if (alertPercent < 0 || alertPercent > 100) {
            throw new IllegalArgumentException("mail.quota.alert-percent must be 0 (off) .. 100, not " + alertPercent);
        }
        this.from = config.quota().warningFrom().orElse(null);
        this.claimSql = claimSql(thresholds);
    }

    /** "80,95" as ascending percentages in 1..100; "none" for none. */
    static int[] parse(String percents) {
        String s = percents == null ? "" : percents.trim();
        if (s.equalsIgnoreCase("none")) {
            return new int[0];
        }
        int[] t;
        try {
            t = Arrays.stream(s.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("mail.quota.warning-percents must be percentages such as 80,95 or "
                    + "none, not " + percents);
        }
        for (int i = 0; i < t.length; i++) {
            if (t[i] < 1 || t[i] > 100 || (i > 0 && t[i] <= t[i - 1])) {
                throw new IllegalArgumentException("mail.quota.warning-percents must be ascending percentages in "
                        + "1..100, not " + percents);
            }
        }
        return t;
    }

    /** Whether the usage has reached {@code percent} of a limit (a limit of 0 is unlimited). */
    static boolean reached(Quotas.Usage u, int percent) {
        return (u.storageLimit() > 0 && u.storageUsed() * 100 >= percent * u.storageLimit())
                || (u.messageLimit() > 0 && u.messagesUsed() * 100 >= percent * u.messageLimit());
    }

    /** How many thresholds the usage has reached. */
    int level(Quotas.Usage u) {
        int level = 0;
        while (level < thresholds.length && reached(u, thresholds[level])) {
            level++;
        }
        return level;
    }

    /** The same rule in SQL, over the columns su, mu, sl, ml of the claim's subquery. */
    private static String claimSql(int[] thresholds) {
        StringBuilder level = new StringBuilder("CASE");
        for (int i = thresholds.length - 1; i >= 0; i--) {
            int t = thresholds[i];
            level.append(" WHEN (x.sl > 0 AND x.su * 100 >= ").append(t).append(" * x.sl) OR (x.ml > 0 AND x.mu * 100 >= ")
                    .append(t).append(" * x.ml) THEN ").append(i + 1);
        }
        level.append(" ELSE 0 END");
        return "WITH cur AS (SELECT x.*, " + level + " AS lvl FROM (SELECT a.id, a.address, a.quota_warned AS old, "
                + "a.storage_used AS su, a.messages_used AS mu, " + Quotas.STORAGE_LIMIT + " AS sl, "
                + Quotas.MESSAGE_LIMIT + " AS ml" + Quotas.USAGE_FROM + " WHERE a.id = ? FOR UPDATE OF a) x) "
                + "UPDATE account a SET quota_warned = cur.lvl FROM cur WHERE a.id = cur.id AND cur.lvl <> cur.old "
                + "RETURNING cur.old, cur.lvl, cur.address, cur.su, cur.sl, cur.mu, cur.ml";
    }

    /** The text of the login alert for this usage, or null when it is below {@code mail.quota.alert-percent}. */
    public String alert(Quotas.Usage u) {
        if (alertPercent == 0 || !reached(u, alertPercent)) {
            return null;
        }
        return "Your mailbox is " + percent(u) + "% full (" + figures(u)
                + "). Delete or archive mail, or new mail will be refused.";
    }

    /**
     * After a commit that added mail, with the usage it left: warns when that usage is at another level than the one
     * kept. Inside a transaction, the check runs after the commit, on a worker thread.
     */
    public void afterCommit(long accountId, Quotas.Usage after) {
        if (after != null && level(after) != after.warned()) {
            recheckAfterCommit(accountId);
        }
    }

    /**
     * Checks the account's level once the current transaction (if any) has committed: after its limits changed.
     * Never inside the transaction: the warning's append would wait for the account row that transaction holds.
     */
    public void recheckAfterCommit(long accountId) {
        if (transactions.getTransactionStatus() == Status.STATUS_ACTIVE) {
            transactions.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                }

                @Override
                public void afterCompletion(int status) {
                    if (status == Status.STATUS_COMMITTED) {
                        Infrastructure.getDefaultWorkerPool().execute(() -> reconcileQuietly(accountId));
                    }
                }
            });
        } else {
            reconcileQuietly(accountId);
        }
    }

    /** Inside the transaction that released mail, with the usage after it: lowers the kept level at once. */
    public void afterRelease(long accountId, Quotas.Usage after) {
        int level = level(after);
        if (level < after.warned()) {
            db.update("UPDATE account SET quota_warned = ? WHERE id = ?", level, accountId);
        }
    }

    private void reconcileQuietly(long accountId) {
        try {
            reconcile(accountId);
        } catch (RuntimeException e) {
            // The mail that crossed the threshold is committed; its warning is retried by the next append.
            LOG.warnf("quota warning for account %d not delivered: %s", accountId, e.toString());
        }
    }

    /**
     * Brings the kept level to the usage's, in one statement that locks the account row; when that raised it, puts
     * the highest newly reached threshold's warning in the INBOX. If that fails, the claim is undone so that a
     * later commit tries again. Returns the level now kept.
     */
    public int reconcile(long accountId) {
        record Claim(int old, int level, String address, Quotas.Usage usage) {
        }
        Claim c = db.one(claimSql, rs -> new Claim(rs.getInt(1), rs.getInt(2), rs.getString(3),
                new Quotas.Usage(rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getInt(2))),
                accountId).orElse(null);
        if (c == null) {
            return -1; // the level was right already (or the account is gone)
        }
        if (c.level() <= c.old()) {
            return c.level();
        }
        int threshold = thresholds[c.level() - 1];
        try {
            MailboxStore.Row inbox = mailboxes.find(accountId, MailboxName.INBOX, false, 0);
            appends.appendQuotaExempt(inbox, message(c.address(), threshold, c.usage()));
            registry.counter("mail.store.quota.warnings", "threshold", String.valueOf(threshold)).increment();
            LOG.infof("quota warning %d%% put in the INBOX of account %d", threshold, accountId);
        } catch (RuntimeException e) {
            db.update("UPDATE account SET quota_warned = ? WHERE id = ? AND quota_warned = ?", c.old(), accountId,
                    c.level());
            throw e instanceof StoreException ? e : new StoreException(StoreException.Kind.UNAVAILABLE,
                    "quota warning not stored: " + e.getMessage());
        }
        return c.level();
    }

    /** The thresholds in force, for tests and the documentation of a deployment. */
    public List<Integer> thresholds() {
        return Arrays.stream(thresholds).boxed().toList();
    }

    private static int percent(Quotas.Usage u) {
        long storage = u.storageLimit() > 0 ? u.storageUsed() * 100 / u.storageLimit() : 0;
        long count = u.messageLimit() > 0 ? u.messagesUsed() * 100 / u.messageLimit() : 0;
        return (int) Math.max(storage, count);
    }

    private static String figures(Quotas.Usage u) {
        StringBuilder b = new StringBuilder();
        if (u.storageLimit() > 0) {
            b.append(size(u.storageUsed())).append(" of ").append(size(u.storageLimit()));
        }
        if (u.messageLimit() > 0) {
            b.append(b.isEmpty() ? "" : ", ").append(u.messagesUsed()).append(" of ").append(u.messageLimit())
                    .append(" messages");
        }
        return b.toString();
    }

    static String size(long bytes) {
        String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes;
        int i = 0;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return i == 0 ? bytes + " bytes" : String.format(Locale.ROOT, "%.1f %s", v, units[i]);
    }

    /** The warning: plain text, marked auto-generated (RFC 3834) so that no vacation responder answers it. */
    byte[] message(String address, int threshold, Quotas.Usage u) {
        String domain = address.substring(address.indexOf('@') + 1);
        String sender = from != null ? from : "postmaster@" + domain;
        byte[] id = new byte[12];
        RANDOM.nextBytes(id);
        String text = "Date: " + DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now()) + "\r\n"
                + "From: Mail system <" + sender + ">\r\n"
                + "To: <" + address + ">\r\n"
                + "Subject: Your mailbox is " + threshold + "% full\r\n"
                + "Message-ID: <quota-warning." + HexFormat.of().formatHex(id) + "@" + domain + ">\r\n"
                + "Auto-Submitted: auto-generated\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n"
                + "\r\n"
                + "Your mailbox " + address + " has reached " + threshold + "% of its quota.\r\n"
                + "\r\n"
                + "It now holds " + figures(u) + ".\r\n"
                + "\r\n"
                + "Please delete messages you no longer need, or archive them. When the mailbox is full,\r\n"
                + "new mail is refused.\r\n"
                + "\r\n"
                + "This message does not count against your quota.\r\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
