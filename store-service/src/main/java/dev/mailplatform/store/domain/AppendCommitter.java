package dev.mailplatform.store.domain;

import dev.mailplatform.store.change.ChangeBus;
import dev.mailplatform.store.change.ChangeKind;
import dev.mailplatform.store.error.StoreException;
import dev.mailplatform.store.mime.IndexedMessage;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Group commit for appends. The rows of an append are one statement (see {@link #sql}), and one such statement runs
 * at a time; appends that arrive while it runs wait, and the next statement takes all of them at once, into whatever
 * mailboxes and accounts they go. PostgreSQL then pays for one execution, one commit and one wake-up per group
 * instead of per message, and appends into one mailbox no longer queue on its row lock one commit after another. An
 * append that finds nothing running goes at once, alone, so batching adds no latency when the store is idle.
 *
 * <p>One statement at a time per committer. The store runs a few committers side by side, an account always on the
 * same one, so that two groups never meet on a mailbox's lock: a group skips a locked mailbox (see {@link #run}) and
 * sends its appends to be committed alone, and with groups of one mailbox racing each other that halved the
 * throughput into it. A finishing group hands the lead to the longest waiter, which takes those queued behind it.
 * Waiters block their worker thread, never an event loop.
 */
final class AppendCommitter {

    /** One append whose blob is in S3, ready for its rows. */
    record Item(MailboxStore.Row mailbox, String hash, IndexedMessage idx, long size, boolean rowSeen, int system,
            String[] keywords, Instant internalDate, String emailId, byte[] headerPrefix, boolean quotaExempt) {

        /** An APPEND: no header prefix, the message is its blob, and the quota counts it. */
        Item(MailboxStore.Row mailbox, String hash, IndexedMessage idx, long size, boolean rowSeen, int system,
                String[] keywords, Instant internalDate, String emailId) {
            this(mailbox, hash, idx, size, rowSeen, system, keywords, internalDate, emailId, null, false);
        }
    }

    enum Status {
        /** The blob row seen before the upload was collected meanwhile: upload again and retry. */
        BLOB_GONE,
        NO_MAILBOX,
        /** Nothing was charged or inserted. */
        OVER_QUOTA,
        INSERTED,
        /** Internal: the group could not decide this append; it is committed alone. */
        RETRY_ALONE
    }

    /** For INSERTED, the account's usage right after this statement (its warning check reads it), else null. */
    record Outcome(Status status, long uid, long modseq, long uidvalidity, Quotas.Usage usage) {

        Outcome(Status status) {
            this(status, 0, 0, 0, null);
        }
    }

    /**
     * The rows of any number of appends, committed as one. Each input array has one element per append, in order.
     * In order: upsert the blob rows (ordered by hash, so two groups lock them in the same order), which claims each
     * against the collector; lock the mailboxes, then the accounts, each in id order, as every other writer locks a
     * mailbox before its account; admit the appends whose running total per account fits its quota, in arrival
     * order; charge the accounts, count the mailboxes, and insert the messages with consecutive UIDs and modseqs per
     * mailbox. A quota-exempt append ({@link Quotas}' warnings) is admitted whatever the usage and charges nothing,
     * though it counts in its mailbox's size. One row per append comes back, in input order, with its mailbox's counters after the group for
     * the change event, which is sent after the commit ({@link ChangeBus}).
     *
     * <p>A blob row already stored (the same message delivered again) is locked, not updated ({@code kept}): an
     * update, even of one column, would write a new version of the row and, since no HOT update fits a full page, a
     * new entry in each of its indexes, the two trigram indexes' thousands included, all inside this serial
     * statement. Nothing about the blob needs recording: the message inserted here references it, and the collector
     * takes only unreferenced blobs.
     */
    private static String sql(String lockWait) {
        return "WITH inp AS (SELECT * FROM unnest(?::text[], ?::bigint[], ?::bigint[], ?::bytea[], "
            + "?::bytea[], ?::bytea[], ?::timestamptz[], ?::date[], ?::text[], ?::text[], ?::text[], ?::boolean[], "
            + "?::bigint[], ?::bigint[], ?::bigint[], ?::int[], ?::int[], ?::text[], ?::timestamptz[], ?::text[], ?::bytea[], "
            + "?::boolean[]) "
            + "WITH ORDINALITY AS i(hash, blob_size, header_size, header_raw, envelope, body_structure, sent_date, "
            + "sent_day, preview, search_header, search_body, row_seen, mailbox_id, account_id, size, unseen, system_flags, keywords, "
            + "internal_date, email_id, header_prefix, quota_exempt, ord)), "
            + "bl AS (INSERT INTO blob (hash, size, header_size, header_raw, envelope, body_structure, sent_date, "
            + "sent_day, preview, search_header, search_body, stored) "
            + "SELECT DISTINCT ON (hash) hash, blob_size, header_size, header_raw, envelope, body_structure, sent_date, "
            + "sent_day, preview, search_header, search_body, TRUE FROM inp ORDER BY hash, ord "
            + "ON CONFLICT (hash) DO UPDATE SET stored = TRUE WHERE blob.size >= 0 AND NOT blob.stored "
            + "RETURNING hash, (xmax = 0) AS fresh), "
            + "kept AS (SELECT b.hash, FALSE AS fresh FROM blob b WHERE b.hash IN (SELECT hash FROM inp) "
            + "AND b.hash NOT IN (SELECT hash FROM bl) AND b.size >= 0 AND b.stored FOR KEY SHARE), "
            + "usable AS (SELECT i.ord, i.mailbox_id, i.account_id, i.size, i.unseen, i.quota_exempt FROM inp i "
            + "JOIN (SELECT * FROM bl UNION ALL SELECT * FROM kept) c ON c.hash = i.hash "
            + "WHERE NOT (c.fresh AND i.row_seen)), "
            + "lk AS (SELECT id FROM mailbox WHERE id IN (SELECT mailbox_id FROM usable) ORDER BY id FOR UPDATE"
            + lockWait + "), "
            + "acct AS (SELECT a.id, a.storage_used, a.messages_used, "
            + Quotas.STORAGE_LIMIT + " AS storage_limit, " + Quotas.MESSAGE_LIMIT + " AS message_limit "
            + "FROM account a JOIN domain d ON d.id = a.domain_id "
            + "WHERE a.id IN (SELECT u.account_id FROM usable u JOIN lk ON lk.id = u.mailbox_id) "
            + "ORDER BY a.id FOR UPDATE OF a" + lockWait + "), "
            + "fit AS (SELECT u.*, SUM(u.size) FILTER (WHERE NOT u.quota_exempt) OVER w AS bytes_so_far, "
            + "COUNT(*) FILTER (WHERE NOT u.quota_exempt) OVER w AS messages_so_far "
            + "FROM usable u JOIN lk ON lk.id = u.mailbox_id WINDOW w AS (PARTITION BY u.account_id ORDER BY u.ord)), "
            + "ok AS (SELECT f.ord, f.mailbox_id, f.account_id, f.size, f.unseen, f.quota_exempt, "
            + "row_number() OVER (PARTITION BY f.mailbox_id ORDER BY f.ord) AS k "
            + "FROM fit f JOIN acct a ON a.id = f.account_id "
            + "WHERE f.quota_exempt OR ((a.storage_limit = 0 OR a.storage_used + f.bytes_so_far <= a.storage_limit) "
            + "AND (a.message_limit = 0 OR a.messages_used + f.messages_so_far <= a.message_limit))), "
            + "acc AS (UPDATE account a SET storage_used = a.storage_used + s.bytes, "
            + "messages_used = a.messages_used + s.n "
            + "FROM (SELECT account_id, COALESCE(SUM(size) FILTER (WHERE NOT quota_exempt), 0) AS bytes, "
            + "COUNT(*) FILTER (WHERE NOT quota_exempt) AS n FROM ok GROUP BY account_id) s JOIN acct l ON l.id = s.account_id "
            + "WHERE a.id = s.account_id "
            + "RETURNING a.id, a.storage_used, a.messages_used, l.storage_limit, l.message_limit, a.quota_warned), "
            + "mb AS (UPDATE mailbox m SET uidnext = m.uidnext + s.n, highest_modseq = m.highest_modseq + s.n, "
            + "messages = m.messages + s.n, unseen = m.unseen + s.unseen, size = m.size + s.bytes "
            + "FROM (SELECT mailbox_id, COUNT(*) AS n, SUM(unseen) AS unseen, SUM(size) AS bytes FROM ok "
            + "WHERE account_id IN (SELECT id FROM acc) GROUP BY mailbox_id) s WHERE m.id = s.mailbox_id "
            + "RETURNING m.id, m.account_id, m.name, m.uidvalidity, m.uidnext, m.highest_modseq, m.messages, s.n), "
            + "ins AS (INSERT INTO message (mailbox_id, uid, blob_hash, system_flags, keywords, modseq, size, "
            + "internal_date, email_id, header_prefix, quota_exempt) SELECT o.mailbox_id, mb.uidnext - mb.n + o.k - 1, i.hash, i.system_flags, "
            + "string_to_array(i.keywords, ' '), mb.highest_modseq - mb.n + o.k, o.size, i.internal_date, i.email_id, "
            + "i.header_prefix, i.quota_exempt FROM ok o JOIN inp i ON i.ord = o.ord JOIN mb ON mb.id = o.mailbox_id RETURNING email_id, uid, modseq) "
            + "SELECT u.ord IS NOT NULL, lk.id IS NOT NULL, ins.uid, ins.modseq, mb.uidvalidity, "
            + "EXISTS (SELECT 1 FROM mailbox x WHERE x.id = i.mailbox_id), "
            + "EXISTS (SELECT 1 FROM acct WHERE acct.id = i.account_id), "
            + "mb.account_id, mb.id, mb.name, mb.highest_modseq, mb.uidnext, mb.messages, "
            + "acc.storage_used, acc.storage_limit, acc.messages_used, acc.message_limit, acc.quota_warned "
            + "FROM inp i LEFT JOIN usable u ON u.ord = i.ord LEFT JOIN lk ON lk.id = i.mailbox_id "
            + "LEFT JOIN ins ON ins.email_id = i.email_id LEFT JOIN mb ON mb.id = i.mailbox_id "
            + "LEFT JOIN acc ON acc.id = i.account_id "
            + "ORDER BY i.ord";
    }

    /** A group skips rows that another transaction has locked. */
    static final String GROUP_SQL = sql(" SKIP LOCKED");

    /** An append alone waits for them. */
    static final String ALONE_SQL = sql("");

    private final Db db;
    private final ChangeBus changes;
    private final int maxGroup;
    private final DistributionSummary groupSizes;
    private final Object lock = new Object();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    /** Whether a group runs now; while none runs, the queue is empty. */
    private boolean running;

    AppendCommitter(Db db, ChangeBus changes, int maxGroup, MeterRegistry registry) {
        if (maxGroup < 1) {
            throw new IllegalArgumentException("mail.store.append-group-max must be at least 1, not " + maxGroup);
        }
        this.db = db;
        this.changes = changes;
        this.maxGroup = maxGroup;
        this.groupSizes = DistributionSummary.builder("mail.store.append.group")
                .description("Appends committed together in one statement").register(registry);
    }

    private static final class Pending {
        final Item item;
        Outcome outcome;
        RuntimeException failure;
        boolean done;
        boolean leads;

        Pending(Item item) {
            this.item = item;
        }
    }

    /** Commits the rows of one append, alone or with the others that arrive meanwhile. */
    Outcome commit(Item item) {
        Pending me = new Pending(item);
        List<Pending> group = new ArrayList<>();
        synchronized (lock) {
            if (!running) {
                // Nothing runs, so nobody waits: go at once, alone.
                running = true;
                me.leads = true;
            } else {
                queue.add(me);
                boolean interrupted = false;
                while (!me.done && !me.leads) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        // Our item is queued and will be committed by another thread: wait for its outcome.
                        interrupted = true;
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            if (me.leads) {
                group.add(me);
                while (!queue.isEmpty() && group.size() < maxGroup) {
                    group.add(queue.poll());
                }
            }
        }
        if (!group.isEmpty()) {
            try {
                run(group);
            } finally {
                synchronized (lock) {
                    for (Pending p : group) {
                        if (p.outcome == null && p.failure == null) {
                            // run() ended by an Error: its waiters must not wait for ever, nor take it for success.
                            p.failure = new IllegalStateException("group commit did not complete");
                        }
                        p.done = true;
                    }
                    // The lead passes to the longest waiter, who takes those queued behind it.
                    Pending next = queue.poll();
                    if (next == null) {
                        running = false;
                    } else {
                        next.leads = true;
                    }
                    lock.notifyAll();
                }
            }
        }
        return resolve(me);
    }

    /** The pending's outcome; an append its group could not decide is committed alone now, on this thread. */
    private Outcome resolve(Pending p) {
        if (p.failure != null) {
            throw p.failure;
        }
        return p.outcome.status() == Status.RETRY_ALONE ? execute(List.of(p.item), false).get(0) : p.outcome;
    }

    /** How many groups were committed so far. */
    long groups() {
        return groupSizes.count();
    }

    /** Runs these appends as one group, as a leader does, and returns their outcomes in order. */
    List<Outcome> commitGroup(List<Item> items) {
        List<Pending> group = items.stream().map(Pending::new).toList();
        run(group);
        return group.stream().map(this::resolve).toList();
    }

    /**
     * Never throws: each pending gets its outcome or its failure. The group never waits for a mailbox or account
     * lock that another transaction holds (a long COPY, say): it would hold every other append behind it. Those
     * appends, and any the group cannot decide exactly, come back RETRY_ALONE, and their own threads commit them
     * one by one, while the next group runs.
     */
    private void run(List<Pending> group) {
        groupSizes.record(group.size());
        List<Outcome> outcomes;
        try {
            outcomes = execute(group.stream().map(p -> p.item).toList(), true);
        } catch (RuntimeException e) {
            if (e instanceof StoreException se && se.kind() == StoreException.Kind.UNAVAILABLE) {
                group.forEach(p -> p.failure = e);
            } else {
                // The group failed as a whole (a deadlock with another writer, say): each append gets its own go.
                group.forEach(p -> p.outcome = RETRY);
            }
            return;
        }
        for (int i = 0; i < group.size(); i++) {
            Outcome o = outcomes.get(i);
            // Admission in a group is by running total per account: an append refused after a larger one of the
            // same account might still fit alone, so it is decided alone.
            group.get(i).outcome = o.status() == Status.OVER_QUOTA && group.size() > 1 ? RETRY : o;
        }
    }

    private static final Outcome RETRY = new Outcome(Status.RETRY_ALONE);

    private List<Outcome> execute(List<Item> items, boolean group) {
        int n = items.size();
        String[] hash = new String[n];
        Long[] blobSize = new Long[n];
        Long[] headerSize = new Long[n];
        byte[][] headerRaw = new byte[n][];
        byte[][] envelope = new byte[n][];
        byte[][] structure = new byte[n][];
        String[] sentDate = new String[n];
        String[] sentDay = new String[n];
        String[] preview = new String[n];
        String[] searchHeader = new String[n];
        String[] searchBody = new String[n];
        Boolean[] rowSeen = new Boolean[n];
        Long[] mailboxId = new Long[n];
        Long[] accountId = new Long[n];
        Long[] size = new Long[n];
        Integer[] unseen = new Integer[n];
        Integer[] system = new Integer[n];
        String[] keywords = new String[n];
        String[] internal = new String[n];
        String[] emailId = new String[n];
        byte[][] headerPrefix = new byte[n][];
        Boolean[] exempt = new Boolean[n];
        for (int i = 0; i < n; i++) {
            Item it = items.get(i);
            IndexedMessage idx = it.idx();
            hash[i] = it.hash();
            blobSize[i] = idx.size();
            headerSize[i] = idx.headerSize();
            headerRaw[i] = idx.headerRaw();
            // Persisted as protobuf bytes (blob.envelope, blob.body_structure): the one format the index is kept in.
            envelope[i] = idx.envelope().toByteArray();
            structure[i] = idx.structure().toByteArray();
            sentDate[i] = idx.sentDate() == null ? null : idx.sentDate().toString();
            sentDay[i] = idx.sentDay() == null ? null : idx.sentDay().toString();
            preview[i] = idx.preview();
            searchHeader[i] = idx.searchHeader();
            searchBody[i] = idx.searchBody();
            rowSeen[i] = it.rowSeen();
            mailboxId[i] = it.mailbox().id();
            accountId[i] = it.mailbox().accountId();
            size[i] = it.size();
            unseen[i] = (it.system() & Flags.SEEN) == 0 ? 1 : 0;
            system[i] = it.system();
            keywords[i] = String.join(" ", it.keywords());
            internal[i] = it.internalDate().toString();
            emailId[i] = it.emailId();
            headerPrefix[i] = it.headerPrefix();
            exempt[i] = it.quotaExempt();
        }
        /** A mailbox the statement appended to, with its counters after it. */
        record Added(long accountId, long mailboxId, String name, long highestModseq, long uidnext, long messages) {
        }
        Map<Long, Added> added = new LinkedHashMap<>();
        List<Outcome> outcomes = db.list(group ? GROUP_SQL : ALONE_SQL, rs -> {
            if (rs.getObject(9) != null) {
                added.putIfAbsent(rs.getLong(9), new Added(rs.getLong(8), rs.getLong(9), rs.getString(10),
                        rs.getLong(11), rs.getLong(12), rs.getLong(13)));
            }
            if (!rs.getBoolean(1)) {
                return new Outcome(Status.BLOB_GONE);
            }
            if (!rs.getBoolean(2)) {
                // In a group, a mailbox that is there but was locked by another transaction was skipped.
                return group && rs.getBoolean(6) ? RETRY : new Outcome(Status.NO_MAILBOX);
            }
            if (group && !rs.getBoolean(7)) {
                return RETRY; // its account was locked by another transaction
            }
            if (rs.getObject(3) == null) {
                return new Outcome(Status.OVER_QUOTA);
            }
            return new Outcome(Status.INSERTED, rs.getLong(3), rs.getLong(4), rs.getLong(5), new Quotas.Usage(
                    rs.getLong(14), rs.getLong(15), rs.getLong(16), rs.getLong(17), rs.getInt(18)));
        }, hash, blobSize, headerSize, headerRaw, envelope, structure, sentDate, sentDay, preview, searchHeader,
                searchBody, rowSeen, mailboxId, accountId, size, unseen, system, keywords, internal, emailId,
                headerPrefix, exempt);
        // The statement committed by itself: its events go now.
        for (Added a : added.values()) {
            changes.publish(a.accountId(), a.mailboxId(), a.name(), ChangeKind.MESSAGES_ADDED, a.highestModseq(),
                    a.uidnext(), a.messages());
        }
        return outcomes;
    }
}
