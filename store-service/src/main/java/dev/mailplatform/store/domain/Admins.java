package dev.mailplatform.store.domain;

import dev.mailplatform.store.auth.PasswordHasher;
import dev.mailplatform.store.error.StoreException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Console administrators: their passwords (Argon2id, as accounts), roles and domains, their logins (throttled by
 * {@link Logins}' mechanism under keys of their own) and their API tokens (only a SHA-256 kept).
 */
@ApplicationScoped
public class Admins {

    public static final String SUPER = "super-admin";
    public static final String DOMAIN = "domain-admin";
    private static final Pattern USERNAME = Pattern.compile("^[A-Za-z0-9._@-]{1,64}$");
    private static final SecureRandom RANDOM = new SecureRandom();

    public record Admin(long id, String username, String role, List<Long> domainIds, Instant createdAt) {
    }

    public record Token(long id, long adminId, String name, Instant createdAt, Instant lastUsed) {
    }

    public record AdminLogin(Admin admin, int delayMs, boolean throttled) {
    }

    private final PasswordHasher hasher;
    private final Logins logins;
    private final Db db;

    public Admins(PasswordHasher hasher, Logins logins, Db db) {
        this.hasher = hasher;
        this.logins = logins;
        this.db = db;
    }

    static String normalizeUsername(String username) {
        if (username == null || !USERNAME.matcher(username.trim()).matches()) {
            throw StoreException.invalid("user name must be 1..64 letters, digits, '.', '_', '-' or '@'");
        }
        return username.trim().toLowerCase(Locale.ROOT);
    }

    /** Creates the first super-admin; does nothing once any administrator exists. */
    @Transactional
    public boolean bootstrap(String username, String password) {
        String u = normalizeUsername(username);
        Accounts.validatePassword(password);
        // One bootstrap at a time across replicas, so two cannot both see "no admin yet".
        db.one("SELECT pg_advisory_xact_lock(7201)", rs -> 1);
        if (db.one("SELECT 1 FROM admin LIMIT 1", rs -> 1).isPresent()) {
            return false;
        }
        db.update("INSERT INTO admin (username, password_hash, role) VALUES (?, ?, ?)", u, hasher.hash(password),
                SUPER);
        return true;
    }

    @Transactional
    public Admin create(String username, String password, String role, List<Long> domainIds) {
        String u = normalizeUsername(username);
        Accounts.validatePassword(password);
        if (!SUPER.equals(role) && !DOMAIN.equals(role)) {
            throw StoreException.invalid("role must be " + SUPER + " or " + DOMAIN);
        }
        if (DOMAIN.equals(role) && domainIds.isEmpty()) {
            throw StoreException.invalid("a domain-admin needs at least one domain");
        }
        if (SUPER.equals(role) && !domainIds.isEmpty()) {
            throw StoreException.invalid("a super-admin has every domain; give none");
        }
        if (db.one("SELECT 1 FROM admin WHERE username = ?", rs -> 1, u).isPresent()) {
            throw StoreException.exists("administrator " + u + " already exists");
        }
        long id = db.one("INSERT INTO admin (username, password_hash, role) VALUES (?, ?, ?) RETURNING id",
                rs -> rs.getLong(1), u, hasher.hash(password), role).orElseThrow();
        for (long d : domainIds) {
            if (db.one("SELECT 1 FROM domain WHERE id = ?", rs -> 1, d).isEmpty()) {
                throw StoreException.notFound("no domain " + d);
            }
            db.update("INSERT INTO admin_domain (admin_id, domain_id) VALUES (?, ?) ON CONFLICT DO NOTHING", id, d);
        }
        return get(id);
    }

    @Transactional
    public Admin get(long id) {
        return find("WHERE a.id = ?", id).orElseThrow(() -> StoreException.notFound("no administrator " + id));
    }

    @Transactional
    public List<Admin> list() {
        return db.list(SELECT + " ORDER BY a.username", Admins::admin);
    }

    @Transactional
    public void delete(long id) {
        Admin a = get(id);
        if (SUPER.equals(a.role()) && db.one("SELECT count(*) FROM admin WHERE role = ?", rs -> rs.getLong(1), SUPER)
                .orElse(0L) <= 1) {
            throw StoreException.precondition("the last super-admin cannot be deleted");
        }
        db.update("DELETE FROM admin WHERE id = ?", id);
    }

    @Transactional
    public Admin setPassword(long id, String password) {
        Accounts.validatePassword(password);
        if (db.update("UPDATE admin SET password_hash = ? WHERE id = ?", hasher.hash(password), id) == 0) {
            throw StoreException.notFound("no administrator " + id);
        }
        return get(id);
    }

    /** The password check, throttled exactly as mail logins are (per IP and per user name from that IP). */
    public AdminLogin authenticate(String username, String password, String remoteIp) {
        String u = username == null ? "" : username.trim().toLowerCase(Locale.ROOT);
        String ip = remoteIp == null ? "" : remoteIp;
        String ipKey = clip("admin-ip:" + ip);
        String userKey = clip("admin-user-ip:" + ip + "|" + u);
        Logins.Throttle t = logins.throttle(ipKey, userKey);
        if (t.refuse()) {
            return new AdminLogin(null, (int) Math.min(Integer.MAX_VALUE, t.waitMs()), true);
        }
        Optional<Object[]> row = db.one("SELECT id, password_hash FROM admin WHERE username = ?",
                rs -> new Object[] {rs.getLong(1), rs.getString(2)}, u);
        boolean ok;
        if (row.isEmpty() || password == null || password.length() > Accounts.MAX_PASSWORD) {
            hasher.verifyDecoy(password == null ? "" : password);
            ok = false;
        } else {
            ok = hasher.verify(password, (String) row.get()[1]);
        }
        if (ok) {
            if (t.userFailures() > 0) {
                logins.clearFailures(userKey);
            }
            return new AdminLogin(get((Long) row.get()[0]), 0, false);
        }
        logins.recordFailure(ipKey);
        int userFailures = logins.recordFailure(userKey);
        return new AdminLogin(null, (int) logins.delayMs(userFailures), false);
    }

    @Transactional
    public Object[] createToken(long adminId, String name) {
        get(adminId);
        if (name == null || name.isBlank() || name.length() > 100) {
            throw StoreException.invalid("token name must be 1..100 characters");
        }
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = "mpt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        long id = db.one("INSERT INTO admin_token (admin_id, name, token_hash) VALUES (?, ?, ?) RETURNING id",
                rs -> rs.getLong(1), adminId, name.trim(), sha256(token)).orElseThrow();
        return new Object[] {tokens(id, 0).get(0), token};
    }

    /** The administrator a token belongs to, and marks it used. */
    @Transactional
    public Admin authenticateToken(String secret) {
        if (secret == null || secret.isEmpty() || secret.length() > 200) {
            throw StoreException.notFound("no such token");
        }
        long adminId = db.one("UPDATE admin_token SET last_used = now() WHERE token_hash = ? RETURNING admin_id",
                rs -> rs.getLong(1), sha256(secret)).orElseThrow(() -> StoreException.notFound("no such token"));
        return get(adminId);
    }

    @Transactional
    public List<Token> tokens(long tokenId, long adminId) {
        List<Object> p = new ArrayList<>();
        String where = " WHERE TRUE";
        if (tokenId != 0) {
            where += " AND id = ?";
            p.add(tokenId);
        }
        if (adminId != 0) {
            where += " AND admin_id = ?";
            p.add(adminId);
        }
        return db.list("SELECT id, admin_id, name, created_at, last_used FROM admin_token" + where + " ORDER BY id",
                rs -> new Token(rs.getLong(1), rs.getLong(2), rs.getString(3), Db.instant(rs, "created_at"),
                        Db.instant(rs, "last_used")), p.toArray());
    }

    @Transactional
    public void revokeToken(long id) {
        if (db.update("DELETE FROM admin_token WHERE id = ?", id) == 0) {
            throw StoreException.notFound("no token " + id);
        }
    }

    private static final String SELECT = "SELECT a.id, a.username, a.role, a.created_at, "
            + "ARRAY(SELECT domain_id FROM admin_domain WHERE admin_id = a.id ORDER BY domain_id) FROM admin a";

    private Optional<Admin> find(String where, Object... params) {
        return db.one(SELECT + " " + where, Admins::admin, params);
    }

    private static Admin admin(java.sql.ResultSet rs) throws java.sql.SQLException {
        Long[] domains = (Long[]) rs.getArray(5).getArray();
        return new Admin(rs.getLong(1), rs.getString(2), rs.getString(3), List.of(domains),
                Db.instant(rs, "created_at"));
    }

    private static String clip(String key) {
        return key.length() > 300 ? key.substring(0, 300) : key;
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
