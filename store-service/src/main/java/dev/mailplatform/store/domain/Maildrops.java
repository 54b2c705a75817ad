package dev.mailplatform.store.domain;

import dev.mailplatform.store.config.StoreConfig;
import dev.mailplatform.store.error.StoreException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The POP3 maildrop: the account's INBOX behind an exclusive lease row (RFC 1939 lock) that every pop3-service
 * replica honours, and the retention policy the store enforces ("delete N days after first retrieval").
 */
@ApplicationScoped
public class Maildrops {

    private static final Logger LOG = Logger.getLogger(Maildrops.class);
    private static final int MAX_LEASE_SECONDS = 3600;

    private final Db db;
    private final MailboxStore mailboxes;
    private final Expunges expunges;
    private final FlagUpdates flags;
    private final StoreConfig config;
    /** A second POP3 session refused because the maildrop is leased (RFC 1939: one client at a time). */
    private final Counter leaseConflicts;

    public Maildrops(Db db, MailboxStore mailboxes, Expunges expunges, FlagUpdates flags, StoreConfig config,
            MeterRegistry registry) {
        this.db = db;
        this.mailboxes = mailboxes;
        this.expunges = expunges;
        this.flags = flags;
        this.config = config;
        this.leaseConflicts = registry.counter("mail.store.pop3.lease.conflicts");
    }

    /** The lease and the snapshot's head; {@code firstPage} holds up to a page of entries, read in the same transaction. */
    public record Opened(Header header, long mailboxId, long uidnext, List<Entry> firstPage) {
    }

    /** The lease and the INBOX as the session starts; {@code retentionDays} below 0: kept for ever. */
    public record Header(String leaseId, Instant expiresAt, long uidvalidity, int messages, long size,
            int retentionDays, int loginDelaySeconds) {
    }

    /** One message of the maildrop listing; {@code uniqueId} is its UIDL. */
    public record Entry(long uid, long size, String uniqueId) {
    }

    /**
     * The retention in force and where it comes from ("account" or "domain"); {@code accountRetentionDays} is null
     * when the account has none of its own (or the policy asked for is a domain's).
     */
    public record Retention(int retentionDays, String source, Integer accountRetentionDays, int domainRetentionDays) {
    }

    private long leaseSeconds(int requested) {
        if (requested < 0 || requested > MAX_LEASE_SECONDS) {
            throw StoreException.invalid("lease must be 0.." + MAX_LEASE_SECONDS + " seconds");
        }
        return requested == 0 ? config.store().pop3LeaseDuration().toSeconds() : requested;
    }

    /**
     * Lease writes (take, renew, release) commit without waiting for the WAL flush: on a database crash the last
     * fraction of a second of them may be lost, and that is safe. A holder whose lease row is gone can neither renew
     * nor commit (both require the lease), so it deletes nothing and ends; a lost release just expires. What must be
     * durable, the deletions and retrievals of UPDATE, commit normally. It saves a disk flush on every POP3 login.
     */
    private void leaseWritesNeedNoFlush() {
        db.update("SET LOCAL synchronous_commit = off");
    }

    /**
     * Takes the lease and reads the snapshot's first page in one transaction of five round trips: every POP3 login
     * waits for it, so the account, its domain's policy and the INBOX row come in one statement.
     */
    @Transactional
    public Opened open(long accountId, String owner, int requestedSeconds, int pageSize) {
        long seconds = leaseSeconds(requestedSeconds);
        leaseWritesNeedNoFlush();
        record Acc(int loginDelay, Instant lastLogin, int retention, MailboxStore.Row inbox) {
        }
        // The account row lock orders concurrent logins, so the login-delay check below reads the latest login.
        Acc acc = db.one("SELECT a.pop3_login_delay_seconds, a.pop3_last_login, "
                + "COALESCE(a.pop3_retention_days, d.pop3_retention_days), " + MailboxStore.columns("mb")
                + " FROM account a JOIN domain d ON d.id = a.domain_id "
                + "JOIN mailbox mb ON mb.account_id = a.id AND mb.name = ? WHERE a.id = ? FOR UPDATE OF a",
                rs -> new Acc(rs.getInt(1), Db.instant(rs, "pop3_last_login"), rs.getInt(3), MailboxStore.row(rs)),
                MailboxName.INBOX, accountId)
                .orElseThrow(() -> StoreException.notFound("no account " + accountId));
        String leaseId = UUID.randomUUID().toString();
        String o = owner == null ? "" : (owner.length() > 200 ? owner.substring(0, 200) : owner);
        var expires = db.one("INSERT INTO pop3_lease (account_id, lease_id, owner, expires_at) "
                + "VALUES (?, ?, ?, now() + make_interval(secs => ?)) ON CONFLICT (account_id) DO UPDATE SET "
                + "lease_id = EXCLUDED.lease_id, owner = EXCLUDED.owner, acquired_at = now(), expires_at = EXCLUDED.expires_at "
                + "WHERE pop3_lease.expires_at < now() RETURNING expires_at", rs -> Db.instant(rs, "expires_at"),
                accountId, leaseId, o, (double) seconds);
        if (expires.isEmpty()) {
            leaseConflicts.increment();
            throw new StoreException(StoreException.Kind.LOCKED, "maildrop is locked by another session");
        }
        if (acc.loginDelay() > 0) {
            if (acc.lastLogin() != null && acc.lastLogin().plusSeconds(acc.loginDelay()).isAfter(Instant.now())) {
                throw new StoreException(StoreException.Kind.FAILED_PRECONDITION,
                        "login-delay: wait " + acc.loginDelay() + " seconds between logins");
            }
            // Only LOGIN-DELAY reads the last login, so an account without one does not rewrite its row per login.
            db.update("UPDATE account SET pop3_last_login = now() WHERE id = ?", accountId);
        }
        MailboxStore.Row inbox = acc.inbox();
        Header header = new Header(leaseId, expires.get(), inbox.uidvalidity(), inbox.messages(), inbox.size(),
                acc.retention(), acc.loginDelay());
        return new Opened(header, inbox.id(), inbox.uidnext(),
                page(inbox.id(), inbox.uidvalidity(), 0, inbox.uidnext(), pageSize));
    }

    /** One page of the maildrop listing; UIDL is "uidvalidity.uid", stable for the life of the message. */
    public List<Entry> page(long mailboxId, long uidvalidity, long afterUid, long beforeUid, int limit) {
        return db.list("SELECT uid, size FROM message WHERE mailbox_id = ? AND uid > ? AND uid < ? ORDER BY uid LIMIT ?",
                rs -> new Entry(rs.getLong(1), rs.getLong(2), uidvalidity + "." + rs.getLong(1)),
                mailboxId, afterUid, beforeUid, limit);
    }

    private void requireLease(long accountId, String leaseId) {
        if (db.one("SELECT 1 FROM pop3_lease WHERE account_id = ? AND lease_id = ? FOR UPDATE", rs -> 1, accountId,
                leaseId).isEmpty()) {
            throw StoreException.notFound("no such lease (expired and taken over, or released)");
        }
    }

    @Transactional
    public Instant renew(long accountId, String leaseId, int requestedSeconds) {
        long seconds = leaseSeconds(requestedSeconds);
        leaseWritesNeedNoFlush();
        return db.one("UPDATE pop3_lease SET expires_at = now() + make_interval(secs => ?) WHERE account_id = ? "
                + "AND lease_id = ? RETURNING expires_at", rs -> Db.instant(rs, "expires_at"), (double) seconds,
                accountId, leaseId)
                .orElseThrow(() -> StoreException.notFound("no such lease (expired and taken over, or released)"));
    }

    /**
     * The UPDATE state: all the deletions or none, the session's retrievals recorded in the same transaction (so RETR
     * itself writes nothing), then the lease is released. A session that deleted nothing and retrieved nothing new (a
     * "leave on server" client, every time but the first) costs four round trips and no disk flush.
     */
    @Transactional
    public int commit(long accountId, String leaseId, List<Integer> uids, List<Integer> retrieved, boolean markSeen) {
        Set<Long> gone = unsigned(uids);
        Set<Long> kept = unsigned(retrieved);
        kept.removeAll(gone);
        // Deleting the lease row first checks the lease and locks it in one statement: a takeover waits for this
        // transaction, and if the transaction fails the lease is still there.
        if (db.update("DELETE FROM pop3_lease WHERE account_id = ? AND lease_id = ?", accountId, leaseId) == 0) {
            throw StoreException.notFound("no such lease (expired and taken over, or released)");
        }
        int changed = kept.isEmpty() ? 0 : applyRetrievals(accountId, kept, markSeen);
        if (gone.isEmpty()) {
            if (changed == 0) {
                // Only the lease changed.
                leaseWritesNeedNoFlush();
            }
            return 0;
        }
        // Read (and lock) the row after the retrievals: setting \Seen moved HIGHESTMODSEQ on.
        MailboxStore.Row inbox = mailboxes.find(accountId, MailboxName.INBOX, true, 0);
        List<Object> p = new ArrayList<>();
        p.add(gone.toArray(Long[]::new));
        return expunges.expungeWhere(inbox, "uid = ANY(?::bigint[])", p, false).uids().length;
    }

    @Transactional
    public void release(long accountId, String leaseId) {
        leaseWritesNeedNoFlush();
        db.update("DELETE FROM pop3_lease WHERE account_id = ? AND lease_id = ?", accountId, leaseId);
    }

    /**
     * Records the retrievals of a session that ends without UPDATE: one transaction, whatever the number of UIDs.
     * UIDs that no longer exist are skipped (an IMAP client may have expunged them meanwhile).
     */
    @Transactional
    public void recordRetrieval(long accountId, String leaseId, List<Integer> uids, boolean markSeen) {
        Set<Long> set = unsigned(uids);
        if (set.isEmpty()) {
            throw StoreException.invalid("no UIDs to record");
        }
        requireLease(accountId, leaseId);
        applyRetrievals(accountId, set, markSeen);
    }

    /**
     * Starts the retention clock of each message (the first retrieval counts) and sets \Seen when asked; returns how
     * many rows changed.
     */
    private int applyRetrievals(long accountId, Set<Long> uids, boolean markSeen) {
        Long[] arr = uids.toArray(Long[]::new);
        // A client that leaves mail on the server retrieves the same messages at every login: look first, without a
        // lock, whether any of them still needs a write. (A \Seen an IMAP client removes meanwhile stays removed, as
        // if it had come after this commit.)
        boolean pending = db.one("SELECT EXISTS (SELECT 1 FROM message m JOIN mailbox mb ON mb.id = m.mailbox_id "
                + "WHERE mb.account_id = ? AND mb.name = ? AND m.uid = ANY(?::bigint[]) "
                + "AND (m.pop3_retrieved_at IS NULL OR (? AND m.system_flags & ? = 0)))", rs -> rs.getBoolean(1),
                accountId, MailboxName.INBOX, arr, markSeen, Flags.SEEN).orElse(false);
        if (!pending) {
            return 0;
        }
        // Locked: a flag change takes the next modseq of the mailbox.
        MailboxStore.Row inbox = mailboxes.find(accountId, MailboxName.INBOX, markSeen, 0);
        // The IS NULL filter only spares rows already stamped a needless new version; COALESCE keeps the rule plain.
        int changed = db.update("UPDATE message SET pop3_retrieved_at = COALESCE(pop3_retrieved_at, now()) "
                + "WHERE mailbox_id = ? AND uid = ANY(?::bigint[]) AND pop3_retrieved_at IS NULL", inbox.id(),
                (Object) arr);
        if (markSeen) {
            // One flag change (one modseq) for the whole session; consecutive UIDs become one range.
            List<UidSet.Range> set = new ArrayList<>();
            long first = -1;
            long last = -1;
            for (long u : uids) {
                if (first >= 0 && u == last + 1) {
                    last = u;
                    continue;
                }
                if (first >= 0) {
                    set.add(new UidSet.Range(first, last));
                }
                first = u;
                last = u;
            }
            set.add(new UidSet.Range(first, last));
            changed += flags.applyFlags(inbox, new UidSet(set), FlagsMode.ADD, Flags.SEEN, new String[0], 0)
                    .updated().size();
        }
        return changed;
    }

    /** The UIDs as unsigned values, in order, without duplicates; UID 0 is not valid. */
    private static Set<Long> unsigned(List<Integer> uids) {
        Set<Long> out = new TreeSet<>();
        for (int u : uids) {
            if (u == 0) {
                throw StoreException.invalid("UID 0 is not valid");
            }
            out.add(Integer.toUnsignedLong(u));
        }
        return out;
    }

    // ---- retention ----

    @Transactional
    public Retention policyOfAccount(long accountId) {
        return db.one("SELECT a.pop3_retention_days, d.pop3_retention_days FROM account a JOIN domain d "
                + "ON d.id = a.domain_id WHERE a.id = ?", rs -> {
                    int dom = rs.getInt(2);
                    int acc = rs.getInt(1);
                    boolean hasAcc = !rs.wasNull();
                    return hasAcc ? new Retention(acc, "account", acc, dom) : new Retention(dom, "domain", null, dom);
                }, accountId).orElseThrow(() -> StoreException.notFound("no account " + accountId));
    }

    @Transactional
    public Retention policyOfDomain(long domainId) {
        int days = db.one("SELECT pop3_retention_days FROM domain WHERE id = ?", rs -> rs.getInt(1), domainId)
                .orElseThrow(() -> StoreException.notFound("no domain " + domainId));
        return new Retention(days, "domain", null, days);
    }

    @Transactional
    public Retention setForAccount(long accountId, int days, boolean clear) {
        if (!clear) {
            Domains.validateRetention(days);
        }
        if (db.update("UPDATE account SET pop3_retention_days = ? WHERE id = ?", clear ? null : days, accountId) == 0) {
            throw StoreException.notFound("no account " + accountId);
        }
        return policyOfAccount(accountId);
    }

    @Transactional
    public Retention setForDomain(long domainId, int days) {
        Domains.validateRetention(days);
        if (db.update("UPDATE domain SET pop3_retention_days = ? WHERE id = ?", days, domainId) == 0) {
            throw StoreException.notFound("no domain " + domainId);
        }
        return policyOfDomain(domainId);
    }

    /** INBOX mailboxes with messages due for deletion, skipping maildrops a live POP3 session holds. */
    @Transactional
    public List<long[]> dueMailboxes(int limit) {
        return db.list("SELECT DISTINCT mb.id, mb.account_id FROM message m JOIN mailbox mb ON mb.id = m.mailbox_id "
                + "JOIN account a ON a.id = mb.account_id JOIN domain d ON d.id = a.domain_id "
                + "WHERE mb.name = 'INBOX' AND m.pop3_retrieved_at IS NOT NULL "
                + "AND COALESCE(a.pop3_retention_days, d.pop3_retention_days) >= 0 "
                + "AND m.pop3_retrieved_at <= now() - make_interval(days => COALESCE(a.pop3_retention_days, d.pop3_retention_days)) "
                + "AND NOT EXISTS (SELECT 1 FROM pop3_lease l WHERE l.account_id = a.id AND l.expires_at > now()) "
                + "LIMIT ?", rs -> new long[] {rs.getLong(1), rs.getLong(2)}, limit);
    }

    /** Deletes the due messages of one INBOX in one transaction; returns how many. */
    @Transactional
    public int enforce(long accountId) {
        if (db.one("SELECT 1 FROM pop3_lease WHERE account_id = ? AND expires_at > now()", rs -> 1, accountId)
                .isPresent()) {
            return 0;
        }
        int days = policyOfAccount(accountId).retentionDays();
        if (days < 0) {
            return 0;
        }
        MailboxStore.Row inbox = mailboxes.find(accountId, MailboxName.INBOX, true, 0);
        List<Object> p = new ArrayList<>();
        p.add(days);
        int n = expunges.expungeWhere(inbox, "pop3_retrieved_at IS NOT NULL AND pop3_retrieved_at <= now() - "
                + "make_interval(days => ?)", p, false).uids().length;
        if (n > 0) {
            LOG.infof("retention deleted %d messages of account %d", n, accountId);
        }
        return n;
    }
}
