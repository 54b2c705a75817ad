package dev.mailplatform.store.domain;

import dev.mailplatform.store.error.StoreException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Who changed what and when, append-only; read newest first. */
@ApplicationScoped
public class AuditLog {

    public record Entry(long id, Instant at, String actor, String action, String target, String detail) {
    }

    private final Db db;

    public AuditLog(Db db) {
        this.db = db;
    }

    @Transactional
    public Entry append(String actor, String action, String target, String detail) {
        if (actor == null || actor.isBlank() || action == null || action.isBlank()) {
            throw StoreException.invalid("an audit entry needs an actor and an action");
        }
        return db.one("INSERT INTO audit_log (actor, action, target, detail) VALUES (?, ?, ?, ?) "
                + "RETURNING id, at, actor, action, target, detail", AuditLog::entry, cut(actor), cut(action),
                cut(target == null ? "" : target), detail == null ? "" : detail.length() > 2000
                        ? detail.substring(0, 2000) : detail).orElseThrow();
    }

    /** A page, newest first; domains (names) limit it to the entries about them. */
    @Transactional
    public Page<Entry> list(int pageSize, String pageToken, List<String> domains) {
        int size = Page.size(pageSize);
        long before = Page.after(pageToken);
        List<Object> p = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT id, at, actor, action, target, detail FROM audit_log WHERE TRUE");
        if (before > 0) {
            sql.append(" AND id < ?");
            p.add(before);
        }
        if (!domains.isEmpty()) {
            sql.append(" AND (");
            for (int i = 0; i < domains.size(); i++) {
                String d = domains.get(i).toLowerCase(Locale.ROOT).replace("@", "");
                sql.append(i == 0 ? "" : " OR ").append("target = ? OR target LIKE ?");
                p.add(d);
                p.add("%@" + d.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_"));
            }
            sql.append(")");
        }
        sql.append(" ORDER BY id DESC LIMIT ").append(size + 1);
        return Page.of(db.list(sql.toString(), AuditLog::entry, p.toArray()), size, Entry::id, e -> e);
    }

    private static String cut(String s) {
        return s.length() > 300 ? s.substring(0, 300) : s;
    }

    private static Entry entry(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Entry(rs.getLong(1), Db.instant(rs, "at"), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6));
    }
}
