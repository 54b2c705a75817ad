package dev.mailplatform.store.domain;

import dev.mailplatform.store.error.StoreException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The console's view of accounts: filtered, sorted by address or by quota use, keyset-paged (one query per page,
 * however deep), with the effective limits; usage per mailbox and per domain; totals for the dashboard.
 */
@ApplicationScoped
public class AccountBrowser {

    public record Row(long id, String address, long domainId, String displayName, boolean disabled, long storageUsed,
            long messagesUsed, long storageLimit, long messageLimit, double usage) {
    }

    public record Browse(List<Long> domainIds, String query, boolean byUsage, boolean descending, int pageSize,
            String pageToken, double minUsage) {
    }

    public record Result(List<Row> rows, String nextToken, int total) {
    }

    public record MailboxUsage(String name, int messages, long size) {
    }

    public record Usage(long accountId, String address, long storageUsed, long messagesUsed, long storageLimit,
            long messageLimit, List<MailboxUsage> mailboxes) {
    }

    public record Totals(int domains, int accounts, long storageUsed, long messagesUsed, int aboveWarn,
            int aboveCritical) {
    }

    /** Each account with its effective limits and its usage ratio (the larger of the two; unlimited is 0). */
    private static final String ROWS = "SELECT * FROM (SELECT i.*, GREATEST("
            + "CASE WHEN i.sl > 0 THEN i.storage_used::float8 / i.sl ELSE 0 END, "
            + "CASE WHEN i.ml > 0 THEN i.messages_used::float8 / i.ml ELSE 0 END) AS usage FROM ("
            + "SELECT a.id, a.address, a.domain_id, a.display_name, a.disabled, a.storage_used, a.messages_used, "
            + Quotas.STORAGE_LIMIT + " AS sl, " + Quotas.MESSAGE_LIMIT + " AS ml "
            + "FROM account a JOIN domain d ON d.id = a.domain_id WHERE TRUE";

    private final Db db;

    public AccountBrowser(Db db) {
        this.db = db;
    }

    @Transactional
    public Result browse(Browse b) {
        int size = b.pageSize() == 0 ? 50 : Page.size(b.pageSize());
        List<Object> p = new ArrayList<>();
        String filter = filter(b, p);
        String dir = b.descending() ? "DESC" : "ASC";
        String cmp = b.descending() ? "<" : ">";
        List<Object> pagePs = new ArrayList<>(p);
        StringBuilder sql = new StringBuilder(ROWS).append(filter).append(") i) t WHERE TRUE");
        if (b.minUsage() > 0) {
            sql.append(" AND usage >= ?");
            pagePs.add(b.minUsage());
        }
        String countSql = "SELECT count(*) FROM (" + sql + ") c";
        List<Object> countPs = new ArrayList<>(pagePs);
        String token = b.pageToken() == null ? "" : b.pageToken();
        if (!token.isEmpty()) {
            String t = decode(token);
            if (b.byUsage()) {
                int colon = t.indexOf(':', 2);
                if (!t.startsWith("u:") || colon < 0) {
                    throw StoreException.invalid("page token is not valid");
                }
                try {
                    pagePs.add(Double.parseDouble(t.substring(2, colon)));
                    pagePs.add(Long.parseLong(t.substring(colon + 1)));
                } catch (NumberFormatException e) {
                    throw StoreException.invalid("page token is not valid");
                }
                sql.append(" AND (usage, id) ").append(cmp).append(" (?, ?)");
            } else {
                if (!t.startsWith("a:")) {
                    throw StoreException.invalid("page token is not valid");
                }
                pagePs.add(t.substring(2));
                sql.append(" AND address ").append(cmp).append(" ?");
            }
        }
        sql.append(b.byUsage() ? " ORDER BY usage " + dir + ", id " + dir : " ORDER BY address " + dir);
        sql.append(" LIMIT ").append(size + 1);
        List<Row> rows = db.list(sql.toString(), rs -> new Row(rs.getLong("id"), rs.getString("address"),
                rs.getLong("domain_id"), rs.getString("display_name"), rs.getBoolean("disabled"),
                rs.getLong("storage_used"), rs.getLong("messages_used"), rs.getLong("sl"), rs.getLong("ml"),
                rs.getDouble("usage")), pagePs.toArray());
        boolean more = rows.size() > size;
        List<Row> page = more ? rows.subList(0, size) : rows;
        String next = "";
        if (more) {
            Row last = page.get(page.size() - 1);
            next = encode(b.byUsage() ? "u:" + last.usage() + ":" + last.id() : "a:" + last.address());
        }
        int total = db.one(countSql, rs -> rs.getInt(1), countPs.toArray()).orElse(0);
        return new Result(List.copyOf(page), next, total);
    }

    private static String filter(Browse b, List<Object> p) {
        StringBuilder f = new StringBuilder();
        if (!b.domainIds().isEmpty()) {
            f.append(" AND a.domain_id = ANY(?)");
            p.add(b.domainIds().toArray(new Long[0]));
        }
        if (b.query() != null && !b.query().isBlank()) {
            f.append(" AND a.address LIKE ? ESCAPE '\\'");
            p.add("%" + b.query().trim().toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%")
                    .replace("_", "\\_") + "%");
        }
        return f.toString();
    }

    @Transactional
    public Usage usage(long accountId) {
        Usage u = db.one("SELECT a.id, a.address, a.storage_used, a.messages_used, " + Quotas.STORAGE_LIMIT + ", "
                + Quotas.MESSAGE_LIMIT + Quotas.USAGE_FROM + " WHERE a.id = ?", rs -> new Usage(rs.getLong(1),
                        rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6), List.of()),
                accountId).orElseThrow(() -> StoreException.notFound("no account " + accountId));
        List<MailboxUsage> boxes = db.list("SELECT name, messages, size FROM mailbox WHERE account_id = ? ORDER BY "
                + "name = 'INBOX' DESC, name", rs -> new MailboxUsage(rs.getString(1), rs.getInt(2), rs.getLong(3)),
                accountId);
        return new Usage(u.accountId(), u.address(), u.storageUsed(), u.messagesUsed(), u.storageLimit(),
                u.messageLimit(), boxes);
    }

    /** {accounts, storage, messages} of a domain. */
    @Transactional
    public long[] domainUsage(long domainId) {
        if (db.one("SELECT 1 FROM domain WHERE id = ?", rs -> 1, domainId).isEmpty()) {
            throw StoreException.notFound("no domain " + domainId);
        }
        return db.one("SELECT count(*), COALESCE(sum(storage_used), 0), COALESCE(sum(messages_used), 0) "
                + "FROM account WHERE domain_id = ?", rs -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)},
                domainId).orElseThrow();
    }

    @Transactional
    public Totals overview(List<Long> domainIds, double warn, double critical) {
        List<Object> p = new ArrayList<>();
        String filter = filter(new Browse(domainIds, "", false, false, 0, "", 0), p);
        List<Object> all = new ArrayList<>();
        all.add(warn > 0 ? warn : 0.8);
        all.add(critical > 0 ? critical : 0.95);
        all.addAll(p);
        Totals t = db.one("SELECT count(*), COALESCE(sum(storage_used), 0), COALESCE(sum(messages_used), 0), "
                + "count(*) FILTER (WHERE usage >= ?), count(*) FILTER (WHERE usage >= ?) FROM (" + ROWS + filter
                + ") i) t) o", rs -> new Totals(0, rs.getInt(1), rs.getLong(2), rs.getLong(3), rs.getInt(4),
                        rs.getInt(5)), all.toArray()).orElseThrow();
        int domains = domainIds.isEmpty() ? db.one("SELECT count(*) FROM domain", rs -> rs.getInt(1)).orElse(0)
                : db.one("SELECT count(*) FROM domain WHERE id = ANY(?)", rs -> rs.getInt(1),
                        (Object) domainIds.toArray(new Long[0])).orElse(0);
        return new Totals(domains, t.accounts(), t.storageUsed(), t.messagesUsed(), t.aboveWarn(), t.aboveCritical());
    }

    private static String encode(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String token) {
        try {
            return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw StoreException.invalid("page token is not valid");
        }
    }
}
