package dev.mailplatform.store.domain;

import dev.mailplatform.store.error.StoreException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Delivery from an MTA: recipient addresses resolved to accounts (case-insensitive domain, +detail, aliases), the
 * RCPT-time check, and one message stored once for all its recipients, each with its own result.
 */
@ApplicationScoped
public class Deliveries {

    /** Alias chains longer than this are taken for loops. */
    private static final int MAX_ALIAS_HOPS = 5;
    private static final String INBOX = "INBOX";

    public enum RecipientState { DELIVERABLE, UNKNOWN, DISABLED, OVER_QUOTA }

    public enum Status { DELIVERED, UNKNOWN, DISABLED, OVER_QUOTA, DUPLICATE }

    /** How addresses map to accounts; the front end's configuration. Empty separator: no sub-addressing. */
    public record Rules(String detailSeparator, boolean saveToDetailMailbox) {
    }

    /** An address resolved: the account (0 when unknown), its address, and the mailbox a message goes to. */
    public record Resolved(RecipientState state, long accountId, String accountAddress, String mailbox) {
        static final Resolved UNKNOWN = new Resolved(RecipientState.UNKNOWN, 0, "", "");
    }

    public record Envelope(String mailFrom, List<String> recipients, Rules rules, long declaredSize,
            int duplicateWindowSeconds) {
    }

    public record Result(String recipient, Status status, String mailbox, long uidvalidity, long uid) {
    }

    public record Alias(String source, String target) {
    }

    private final Db db;
    private final Quotas quotas;
    private final MessageAppends appends;

    public Deliveries(Db db, Quotas quotas, MessageAppends appends) {
        this.db = db;
        this.quotas = quotas;
        this.appends = appends;
    }

    /** The RCPT TO check: resolves the address and checks the quota for a message of this size (0: unknown). */
    public Resolved check(String address, Rules rules, long declaredSize) {
        Resolved r = resolve(address, rules);
        if (r.state() == RecipientState.DELIVERABLE && overQuota(quotas.peek(r.accountId()), declaredSize)) {
            return new Resolved(RecipientState.OVER_QUOTA, r.accountId(), r.accountAddress(), r.mailbox());
        }
        return r;
    }

    private static boolean overQuota(Quotas.Usage u, long bytes) {
        return (u.storageLimit() > 0 && u.storageUsed() + bytes > u.storageLimit())
                || (u.messageLimit() > 0 && u.messagesUsed() + 1 > u.messageLimit());
    }

    /** The account and mailbox an address delivers to, or UNKNOWN; never throws for an unparsable address. */
    public Resolved resolve(String address, Rules rules) {
        String[] parts = split(address);
        if (parts == null) {
            return Resolved.UNKNOWN;
        }
        String local = parts[0];
        String domain = parts[1];
        String sep = rules.detailSeparator() == null ? "" : rules.detailSeparator();
        String detail = null;
        String base = local;
        int cut = sep.isEmpty() ? -1 : local.indexOf(sep);
        if (cut > 0) {
            base = local.substring(0, cut);
            detail = local.substring(cut + sep.length());
        }
        for (int hop = 0; hop <= MAX_ALIAS_HOPS; hop++) {
            Optional<Resolved> acct = account(local + "@" + domain, null, rules);
            if (acct.isEmpty() && detail != null) {
                acct = account(base + "@" + domain, detail, rules);
            }
            if (acct.isPresent()) {
                return acct.get();
            }
            // An address alias (the full address first, then the base one), else the domain's alias.
            String target = aliasTarget(local + "@" + domain).orElse(null);
            if (target == null && detail != null) {
                target = aliasTarget(base + "@" + domain).orElse(null);
            }
            if (target == null) {
                String domainTarget = aliasTarget("@" + domain).orElse(null);
                if (domainTarget == null || !domainTarget.startsWith("@")) {
                    return domainTarget == null ? Resolved.UNKNOWN : resolveAlias(domainTarget, detail, rules, hop);
                }
                domain = domainTarget.substring(1);
                continue;
            }
            return resolveAlias(target, detail, rules, hop);
        }
        return Resolved.UNKNOWN;
    }

    /** An alias to an address: the detail, if any, carries over (alias+x@ → target+x@). */
    private Resolved resolveAlias(String target, String detail, Rules rules, int hop) {
        if (hop >= MAX_ALIAS_HOPS) {
            return Resolved.UNKNOWN;
        }
        String[] t = split(target);
        if (t == null) {
            return Resolved.UNKNOWN;
        }
        String sep = rules.detailSeparator() == null ? "" : rules.detailSeparator();
        String next = detail != null && !sep.isEmpty() && !t[0].contains(sep)
                ? t[0] + sep + detail + "@" + t[1] : target;
        return resolve(next, rules);
    }

    /** local part and domain in lower case, or null when the address is not local@domain. */
    static String[] split(String address) {
        if (address == null) {
            return null;
        }
        String a = address.trim();
        int at = a.lastIndexOf('@');
        if (at <= 0 || at == a.length() - 1) {
            return null;
        }
        String domain;
        try {
            domain = Domains.normalize(a.substring(at + 1));
        } catch (StoreException e) {
            return null;
        }
        return new String[] {a.substring(0, at).toLowerCase(Locale.ROOT), domain};
    }

    private Optional<Resolved> account(String address, String detail, Rules rules) {
        record Acct(long id, String address, boolean disabled) {
        }
        Optional<Acct> a = db.one("SELECT id, address, disabled FROM account WHERE address = ?",
                rs -> new Acct(rs.getLong(1), rs.getString(2), rs.getBoolean(3)), address);
        if (a.isEmpty()) {
            return Optional.empty();
        }
        if (a.get().disabled()) {
            return Optional.of(new Resolved(RecipientState.DISABLED, a.get().id(), a.get().address(), ""));
        }
        String mailbox = INBOX;
        if (detail != null && !detail.isEmpty() && rules.saveToDetailMailbox()) {
            boolean exists = db.one("SELECT 1 FROM mailbox WHERE account_id = ? AND name = ?", rs -> 1,
                    a.get().id(), detail).isPresent();
            if (exists) {
                mailbox = detail;
            }
        }
        return Optional.of(new Resolved(RecipientState.DELIVERABLE, a.get().id(), a.get().address(), mailbox));
    }

    private Optional<String> aliasTarget(String source) {
        return db.one("SELECT target FROM alias WHERE source = ?", rs -> rs.getString(1), source);
    }

    /**
     * Stores a complete spooled message for its recipients: each resolved again (an account may have changed
     * since RCPT), the duplicates within the window acknowledged, the rest appended with one blob. Two recipients
     * that resolve to the same mailbox get one copy and the same result.
     */
    public List<Result> deliver(Envelope env, Spool spool) {
        // They become header lines (Return-Path, Delivered-To): nothing in them may end a line.
        requireOneLine(env.mailFrom());
        env.recipients().forEach(Deliveries::requireOneLine);
        List<Resolved> resolved = new ArrayList<>();
        for (String r : env.recipients()) {
            resolved.add(resolve(r, env.rules()));
        }
        Result[] results = new Result[resolved.size()];
        Map<String, List<Integer>> byMailbox = new LinkedHashMap<>();
        for (int i = 0; i < resolved.size(); i++) {
            Resolved r = resolved.get(i);
            switch (r.state()) {
                case UNKNOWN -> results[i] = result(env, i, Status.UNKNOWN);
                case DISABLED -> results[i] = result(env, i, Status.DISABLED);
                default -> byMailbox.computeIfAbsent(r.accountId() + "/" + r.mailbox(), k -> new ArrayList<>())
                        .add(i);
            }
        }
        if (byMailbox.isEmpty()) {
            return List.of(results);
        }
        MessageAppends.Prepared prepared = appends.prepare(spool);
        String messageId = prepared.idx().envelope().hasMessageId()
                ? prepared.idx().envelope().getMessageId().trim() : "";
        boolean dedupe = env.duplicateWindowSeconds() > 0 && !messageId.isEmpty();
        List<MailboxStore.Row> rows = new ArrayList<>();
        List<byte[]> prefixes = new ArrayList<>();
        List<List<Integer>> who = new ArrayList<>();
        // The (account, Message-ID) claims this delivery holds: taken before storing, so that of two simultaneous
        // deliveries of one message to one account exactly one stores it; released again when it is not stored.
        Map<Long, OffsetDateTime> claims = new LinkedHashMap<>();
        boolean done = false;
        try {
            for (List<Integer> idx : byMailbox.values()) {
                Resolved r = resolved.get(idx.get(0));
                if (dedupe && !claims.containsKey(r.accountId())) {
                    Optional<OffsetDateTime> claim = claim(r.accountId(), messageId, env.duplicateWindowSeconds());
                    if (claim.isEmpty()) {
                        idx.forEach(i -> results[i] = result(env, i, Status.DUPLICATE));
                        continue;
                    }
                    claims.put(r.accountId(), claim.get());
                }
                MailboxStore.Row row = db.one("SELECT " + MailboxStore.columns("m") + " FROM mailbox m "
                        + "WHERE m.account_id = ? AND m.name = ?", MailboxStore::row, r.accountId(), r.mailbox())
                        .orElse(null);
                if (row == null) {
                    // An account without its INBOX (deleted meanwhile) cannot take mail.
                    idx.forEach(i -> results[i] = result(env, i, Status.UNKNOWN));
                    continue;
                }
                rows.add(row);
                prefixes.add(prefix(env.mailFrom(), env.recipients().get(idx.get(0))));
                who.add(idx);
            }
            List<MessageAppends.EachOutcome> outcomes = rows.isEmpty() ? List.of()
                    : appends.appendToEach(prepared, rows, prefixes, Instant.now());
            java.util.Set<Long> stored = new java.util.HashSet<>();
            for (int k = 0; k < rows.size(); k++) {
                MessageAppends.EachOutcome o = outcomes.get(k);
                MailboxStore.Row row = rows.get(k);
                for (int i : who.get(k)) {
                    results[i] = o.overQuota() ? result(env, i, Status.OVER_QUOTA)
                            : new Result(env.recipients().get(i), Status.DELIVERED, row.name(),
                                    o.appended().uidvalidity(), o.appended().uid());
                }
                if (!o.overQuota()) {
                    stored.add(row.accountId());
                }
            }
            done = true;
            for (Map.Entry<Long, OffsetDateTime> c : claims.entrySet()) {
                if (stored.contains(c.getKey())) {
                    forgetExpired(c.getKey(), env.duplicateWindowSeconds());
                } else {
                    release(c.getKey(), messageId, c.getValue());
                }
            }
        } finally {
            if (!done) {
                // Storing failed (the front end answers 451 and the MTA retries): the retry must not be a duplicate.
                claims.forEach((account, at) -> release(account, messageId, at));
            }
        }
        return List.of(results);
    }

    /**
     * The lines a delivery adds for its recipient, as Dovecot's LMTP does: the envelope sender (RFC 5321 §4.4) and
     * the address it was delivered to (so loops show and filters can tell aliases apart). Stored with the message row,
     * never in the shared blob.
     */
    static byte[] prefix(String mailFrom, String recipient) {
        return ("Return-Path: <" + mailFrom + ">\r\nDelivered-To: " + recipient + "\r\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void requireOneLine(String s) {
        if (s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\0') >= 0) {
            throw StoreException.invalid("an envelope address contains a line break or NUL");
        }
    }

    private static Result result(Envelope env, int i, Status s) {
        return new Result(env.recipients().get(i), s, "", 0, 0);
    }

    /**
     * Claims (account, Message-ID) for this delivery in one statement: a new row, or the old row taken over when its
     * delivery is older than the window. Empty when the row is within the window (a duplicate). Two simultaneous
     * claims of one pair cannot both succeed: PostgreSQL makes the second wait for the first's row and then sees it.
     * Returns the claim's time, which {@link #release} needs.
     */
    private Optional<OffsetDateTime> claim(long accountId, String messageId, int windowSeconds) {
        return db.one("INSERT INTO delivery_seen AS s (account_id, message_id) VALUES (?, ?) "
                + "ON CONFLICT (account_id, message_id) DO UPDATE SET delivered_at = now() "
                + "WHERE s.delivered_at <= now() - make_interval(secs => ?) RETURNING s.delivered_at",
                rs -> rs.getObject(1, OffsetDateTime.class), accountId, messageId, (double) windowSeconds);
    }

    /** Gives a claim up when the message was not stored for that account (over quota, no mailbox, a failure). */
    private void release(long accountId, String messageId, OffsetDateTime claimedAt) {
        db.update("DELETE FROM delivery_seen WHERE account_id = ? AND message_id = ? AND delivered_at = ?",
                accountId, messageId, claimedAt);
    }

    /** Forgets this account's deliveries older than the window, so the table stays small. */
    private void forgetExpired(long accountId, int windowSeconds) {
        db.update("DELETE FROM delivery_seen WHERE account_id = ? AND delivered_at < now() - make_interval(secs => ?)",
                accountId, (double) windowSeconds);
    }

    // ---- the alias table ----

    /** Sets (or replaces) an alias: "local@domain" or "@domain" to an address or "@domain". */
    public Alias setAlias(String source, String target) {
        String s = aliasSide(source);
        String t = aliasSide(target);
        // "@a" → "x@b" (a catch-all) is fine; "x@a" → "@b" names no mailbox.
        if (t.startsWith("@") && !s.startsWith("@")) {
            throw StoreException.invalid("an address alias must point to an address, not a domain: " + target);
        }
        if (s.equals(t)) {
            throw StoreException.invalid("an alias cannot point to itself: " + source);
        }
        db.update("INSERT INTO alias (source, target) VALUES (?, ?) ON CONFLICT (source) DO UPDATE SET target = ?",
                s, t, t);
        return new Alias(s, t);
    }

    public boolean deleteAlias(String source) {
        return db.update("DELETE FROM alias WHERE source = ?", aliasSide(source)) > 0;
    }

    public List<Alias> listAliases() {
        return db.list("SELECT source, target FROM alias ORDER BY source",
                rs -> new Alias(rs.getString(1), rs.getString(2)));
    }

    private static String aliasSide(String s) {
        if (s != null && s.trim().startsWith("@")) {
            return "@" + Domains.normalize(s.trim().substring(1));
        }
        return Accounts.normalizeAddress(s);
    }
}
