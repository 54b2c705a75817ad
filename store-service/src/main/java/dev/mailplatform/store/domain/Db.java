package dev.mailplatform.store.domain;

import dev.mailplatform.store.config.StoreConfig;
import dev.mailplatform.store.error.StoreException;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.postgresql.PGStatement;

/**
 * Plain SQL on the same pooled, transaction-enlisted connection Hibernate uses. The hot paths (append, snapshot,
 * fetch, flags, search) are set-based SQL; loading entities there would cost far more than the work itself.
 */
@ApplicationScoped
public class Db {

    @FunctionalInterface
    public interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private final AgroalDataSource ds;
    private final int[] timeoutSeconds = new int[CallBudget.Kind.values().length];

    public Db(AgroalDataSource ds, StoreConfig config) {
        this.ds = ds;
        StoreConfig.StatementTimeout t = config.store().statementTimeout();
        timeoutSeconds[CallBudget.Kind.CALL.ordinal()] = seconds(t.call());
        timeoutSeconds[CallBudget.Kind.SEARCH.ordinal()] = seconds(t.search());
        timeoutSeconds[CallBudget.Kind.JOB.ordinal()] = seconds(t.job());
    }

    /** JDBC counts query timeouts in whole seconds (0: none); a timeout under a second rounds up to one. */
    private static int seconds(Duration d) {
        return d.isZero() || d.isNegative() ? 0 : (int) Math.min(Integer.MAX_VALUE, (d.toMillis() + 999) / 1000);
    }

    public <T> List<T> list(String sql, Row<T> row, Object... params) {
        return query(sql, row, false, params);
    }

    /**
     * {@link #list}, planned for this execution's values: never a server-side prepared statement. PostgreSQL plans
     * a statement the JDBC driver has prepared (from its fifth run on a connection) once for any values, and keeps
     * that generic plan when it looks no dearer. For SEARCH that guess is ruinous: without the pattern, a generic
     * plan cannot tell a substring that every message has from one that none has, and it chose the trigram index
     * over every blob of every account (about 2,000 buffers and 50 ms a call) where the mailbox's own 20 messages
     * were the plan (70 buffers, under a millisecond). Planning each run costs a fraction of a millisecond.
     */
    public <T> List<T> listPlannedPerCall(String sql, Row<T> row, Object... params) {
        return query(sql, row, true, params);
    }

    private <T> List<T> query(String sql, Row<T> row, boolean plannedPerCall, Object... params) {
        CallBudget budget = CallBudget.current();
        try (Connection c = ds.getConnection(); PreparedStatement ps = prepare(c, sql, params)) {
            if (plannedPerCall) {
                // 0: the driver sends it as an unnamed statement each time, which PostgreSQL plans with the values.
                ps.unwrap(PGStatement.class).setPrepareThreshold(0);
            }
            start(budget, ps);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(row.map(rs));
                }
                return out;
            } finally {
                end(budget, ps);
            }
        } catch (SQLException e) {
            throw translate(e, budget);
        }
    }

    public <T> Optional<T> one(String sql, Row<T> row, Object... params) {
        List<T> l = list(sql, row, params);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    public int update(String sql, Object... params) {
        CallBudget budget = CallBudget.current();
        try (Connection c = ds.getConnection(); PreparedStatement ps = prepare(c, sql, params)) {
            start(budget, ps);
            try {
                return ps.executeUpdate();
            } finally {
                end(budget, ps);
            }
        } catch (SQLException e) {
            throw translate(e, budget);
        }
    }

    /**
     * The statement gets its call class's timeout (PostgreSQL's JDBC driver cancels it in the server when it passes)
     * and becomes the one its budget cancels.
     */
    private void start(CallBudget budget, PreparedStatement ps) throws SQLException {
        int seconds = timeoutSeconds[(budget == null ? CallBudget.Kind.CALL : budget.kind()).ordinal()];
        if (seconds > 0) {
            ps.setQueryTimeout(seconds);
        }
        if (budget != null) {
            budget.enter(ps);
        }
    }

    private static void end(CallBudget budget, PreparedStatement ps) {
        if (budget != null) {
            budget.exit(ps);
        }
    }

    /** A cancelled statement (57014) failed on its budget's cancel, or else on its timeout. */
    static RuntimeException translate(SQLException e, CallBudget budget) {
        if ("57014".equals(e.getSQLState())) {
            return budget != null && budget.cancelled() ? StoreException.cancelled() : StoreException.statementTimeout();
        }
        return translate(e);
    }

    public static Object[] args(List<Object> params) {
        return params.toArray();
    }

    private static PreparedStatement prepare(Connection c, String sql, Object[] params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            int idx = i + 1;
            if (p instanceof Long[] longs) {
                ps.setArray(idx, c.createArrayOf("bigint", longs));
            } else if (p instanceof String[] strings) {
                ps.setArray(idx, c.createArrayOf("text", strings));
            } else if (p instanceof Integer[] ints) {
                ps.setArray(idx, c.createArrayOf("integer", ints));
            } else if (p instanceof Boolean[] bools) {
                ps.setArray(idx, c.createArrayOf("boolean", bools));
            } else if (p instanceof byte[][] byteArrays) {
                ps.setArray(idx, c.createArrayOf("bytea", byteArrays));
            } else if (p instanceof Instant instant) {
                ps.setTimestamp(idx, Timestamp.from(instant));
            } else if (p instanceof byte[] bytes) {
                ps.setBytes(idx, bytes);
            } else {
                ps.setObject(idx, p);
            }
        }
        return ps;
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    /** Connection-level failures mean PostgreSQL is unreachable: the client may retry. */
    public static RuntimeException translate(SQLException e) {
        if (isUnavailable(e)) {
            return new StoreException(StoreException.Kind.UNAVAILABLE, "database unavailable");
        }
        if ("23505".equals(e.getSQLState())) {
            return StoreException.exists("already exists");
        }
        return new IllegalStateException("SQL failure " + e.getSQLState() + ": " + e.getMessage(), e);
    }

    public static boolean isUnavailable(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException s) {
                String state = s.getSQLState();
                if (state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
                        || state.equals("57P03"))) {
                    return true;
                }
                String msg = s.getMessage();
                if (msg != null && (msg.contains("Acquisition timeout") || msg.contains("Connection refused")
                        || msg.contains("connection has been closed") || msg.contains("This connection has been closed"))) {
                    return true;
                }
            }
            if (c instanceof java.net.ConnectException || c instanceof java.io.EOFException) {
                return true;
            }
        }
        return false;
    }
}
