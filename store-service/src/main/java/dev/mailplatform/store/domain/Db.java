package dev.mailplatform.store.domain;

import dev.mailplatform.store.error.StoreException;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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

    public Db(AgroalDataSource ds) {
        this.ds = ds;
    }

    public <T> List<T> list(String sql, Row<T> row, Object... params) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = prepare(c, sql, params);
                ResultSet rs = ps.executeQuery()) {
            List<T> out = new ArrayList<>();
            while (rs.next()) {
                out.add(row.map(rs));
            }
            return out;
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    public <T> Optional<T> one(String sql, Row<T> row, Object... params) {
        List<T> l = list(sql, row, params);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    public int update(String sql, Object... params) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = prepare(c, sql, params)) {
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw translate(e);
        }
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
