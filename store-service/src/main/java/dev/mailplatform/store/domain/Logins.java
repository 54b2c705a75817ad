package dev.mailplatform.store.domain;

import dev.mailplatform.store.auth.PasswordHasher;
import dev.mailplatform.store.config.StoreConfig;
import dev.mailplatform.store.error.StoreException;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.Locale;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/** Logins: the password check, the throttling of failures, and the login metrics. */
@ApplicationScoped
public class Logins {

    private static final String FAILURES = "SELECT key, failures FROM auth_failure WHERE key IN (?, ?) "
            + "AND window_start > now() - make_interval(secs => ?)";
    private static final String CLAIM = "WITH c AS (UPDATE auth_failure "
            + "SET next_attempt = clock_timestamp() + make_interval(secs => ?) "
            + "WHERE key = ? AND (next_attempt IS NULL OR next_attempt <= clock_timestamp()) RETURNING 1) "
            + "SELECT CASE WHEN EXISTS (SELECT 1 FROM c) THEN -1 ELSE (SELECT GREATEST(1, "
            + "ceil(extract(epoch FROM next_attempt - clock_timestamp()) * 1000))::bigint FROM auth_failure "
            + "WHERE key = ?) END";
    private static final String FIND_FOR_AUTH = "SELECT a.id, a.domain_id, a.address, a.display_name, "
            + "a.password_hash, a.disabled, "
            + "a.storage_limit, a.message_limit, a.storage_used, a.messages_used, a.pop3_retention_days, "
            + "a.pop3_login_delay_seconds, a.created_at, EXISTS (SELECT 1 FROM auth_failure f WHERE f.key = ?), "
            + Quotas.STORAGE_LIMIT + ", " + Quotas.MESSAGE_LIMIT + ", a.quota_warned"
            + Quotas.USAGE_FROM + " WHERE a.address = ?";
    private static final String RECORD_FAILURE = "INSERT INTO auth_failure (key, failures, window_start, last_failure) "
            + "VALUES (?, 1, now(), now()) ON CONFLICT (key) DO UPDATE SET "
            + "failures = CASE WHEN auth_failure.window_start < now() - make_interval(secs => ?) THEN 1 "
            + "ELSE auth_failure.failures + 1 END, "
            + "window_start = CASE WHEN auth_failure.window_start < now() - make_interval(secs => ?) THEN now() "
            + "ELSE auth_failure.window_start END, last_failure = now() RETURNING failures";
    private static final String SET_NEXT_ATTEMPT = "UPDATE auth_failure "
            + "SET next_attempt = clock_timestamp() + make_interval(secs => ?) WHERE key = ?";
    private static final String CLEAR_FAILURES = "DELETE FROM auth_failure WHERE key = ?";
    private static final String PURGE_FAILURES = "DELETE FROM auth_failure "
            + "WHERE last_failure < now() - make_interval(secs => ?)";

    private final PasswordHasher hasher;
    private final Db db;
    private final StoreConfig config;
    private final MeterRegistry registry;
    private final QuotaWarnings warnings;

    public Logins(PasswordHasher hasher, Db db, StoreConfig config, MeterRegistry registry,
            QuotaWarnings warnings) {
        this.warnings = warnings;
        this.hasher = hasher;
        this.db = db;
        this.config = config;
        this.registry = registry;
    }

    /**
     * Checks a login, and throttles failures cluster-wide in PostgreSQL, per user name from one IP and per IP:
     * <ul>
     * <li>a password that passed recently here is recognised without Argon2id ({@link PasswordHasher#remembered});
     * <li>a user name from an IP, or an IP, past its refusal threshold in the window is refused without a check;
     * <li>otherwise a user name from an IP with failures on record may be checked only once the delay its failures
     * earned has passed; an attempt that comes earlier is refused without a check;
     * <li>checks of one user name from one IP run one at a time on each replica, so a burst of parallel attempts
     * costs one Argon2id run, after which the failure's delay refuses the rest.
     * </ul>
     * So an attacker's guesses cost the store a bounded number of Argon2id runs per window, and the real user from
     * another IP is never delayed or refused by them. Refused attempts get the same answer as a wrong password.
     * Every answer is counted by result and protocol ({@code mail.store.auth}); IMAP and POP3 logins both come here.
     */
    public LoginResult authenticate(String username, String password, String remoteIp, String protocol) {
        LoginResult resp = check(username, password, remoteIp);
        registry.counter("mail.store.auth", "result", resp.outcome() == LoginResult.Outcome.OK ? "ok" : "failed",
                "protocol", protocol == null || protocol.isEmpty() ? "unknown" : protocol).increment();
        return resp;
    }

    private LoginResult check(String username, String password, String remoteIp) {
        String address;
        try {
            address = Accounts.normalizeAddress(username);
        } catch (StoreException e) {
            address = username == null ? "" : username.toLowerCase(Locale.ROOT);
        }
        String ip = remoteIp == null ? "" : remoteIp;
        String ipKey = clip("ip:" + ip);
        String userKey = clip("user-ip:" + ip + "|" + address);
        AuthRow acc = address.isEmpty() ? null : findForAuth(address, userKey);
        boolean usable = acc != null && password != null && password.length() <= Accounts.MAX_PASSWORD;
        if (usable && hasher.remembered(password, acc.passwordHash())) {
            return succeeded(acc, userKey);
        }
        Lock lock = CHECKS[Math.floorMod(userKey.hashCode(), CHECKS.length)];
        lock.lock();
        try {
            Throttle t = throttle(ipKey, userKey);
            if (t.refuse()) {
                return LoginResult.invalid(t.ipFailures(), t.userFailures(),
                        (int) Math.min(Integer.MAX_VALUE, t.waitMs()), true);
            }
            boolean ok;
            if (!usable) {
                hasher.verifyDecoy(password == null ? "" : password);
                ok = false;
            } else {
                ok = hasher.verify(password, acc.passwordHash());
            }
            if (ok) {
                return succeeded(acc, userKey);
            }
            int ipFailures = recordFailure(ipKey);
            int userFailures = recordFailure(userKey);
            return LoginResult.invalid(ipFailures, userFailures, (int) delayMs(userFailures), false);
        } finally {
            lock.unlock();
        }
    }

    /** Serialises the checks of one user name from one IP on this replica (striped: memory stays fixed). */
    private static final Lock[] CHECKS = new Lock[1024];

    static {
        for (int i = 0; i < CHECKS.length; i++) {
            CHECKS[i] = new ReentrantLock();
        }
    }

    private LoginResult succeeded(AuthRow acc, String userKey) {
        if (acc.failuresOnRecord()) {
            clearFailures(userKey);
        }
        if (acc.account().disabled()) {
            return LoginResult.disabled();
        }
        return LoginResult.ok(acc.account(), warnings.alert(acc.usage()));
    }

    private static String clip(String key) {
        return key.length() > 300 ? key.substring(0, 300) : key;
    }

    /** The delay a user name from an IP has earned with this many failures: base, doubling, at most max. */
    long delayMs(int failures) {
        long base = config.auth().baseDelay().toMillis();
        return Math.min(config.auth().maxDelay().toMillis(), base << Math.min(20, Math.max(0, failures - 1)));
    }

    /** What the failures on record allow: refuse (and for how long to hold the answer), or check the password. */
    record Throttle(boolean refuse, int ipFailures, int userFailures, long waitMs) {
    }

    /**
     * Reads both keys' failures in the current window; when the user key has some, claims its next attempt
     * atomically (a statement that sets the next allowed time only if it has passed), so two replicas cannot both
     * check at once.
     */
    Throttle throttle(String ipKey, String userKey) {
        double window = config.auth().failureWindow().toSeconds();
        int ipFailures = 0;
        int userFailures = 0;
        for (Object[] row : db.list(FAILURES, rs -> new Object[] {rs.getString(1), rs.getInt(2)}, ipKey,
                userKey, window)) {
            if (row[0].equals(ipKey)) {
                ipFailures = (Integer) row[1];
            } else {
                userFailures = (Integer) row[1];
            }
        }
        if (ipFailures >= config.auth().ipRefuseAfter() || userFailures >= config.auth().userIpRefuseAfter()) {
            return new Throttle(true, ipFailures, userFailures, config.auth().maxDelay().toMillis());
        }
        if (userFailures == 0) {
            return new Throttle(false, ipFailures, 0, 0);
        }
        long claimed = claim(userKey, delayMs(userFailures));
        return claimed < 0 ? new Throttle(false, ipFailures, userFailures, 0)
                : new Throttle(true, ipFailures, userFailures, Math.max(1, claimed));
    }

    /** -1 when this attempt may go ahead (its slot is taken), else the milliseconds until the next one may. */
    long claim(String key, long delayMs) {
        return db.one(CLAIM, rs -> rs.getLong(1), delayMs / 1000.0, key, key).orElse(-1L);
    }

    /** An account as a login sees it, and whether failed logins are on record for its name. */
    record AuthRow(MailAccount account, String passwordHash, boolean failuresOnRecord, Quotas.Usage usage) {
    }

    /**
     * One statement and no transaction: every POP3 and IMAP login runs it, and a login that succeeds after no
     * failure (nearly all of them) then writes nothing.
     */
    AuthRow findForAuth(String address, String userKey) {
        return db.one(FIND_FOR_AUTH, rs -> {
            long storageLimit = rs.getLong(7);
            Long ownStorageLimit = rs.wasNull() ? null : storageLimit;
            long messageLimit = rs.getLong(8);
            Long ownMessageLimit = rs.wasNull() ? null : messageLimit;
            int retention = rs.getInt(11);
            Integer ownRetention = rs.wasNull() ? null : retention;
            MailAccount account = new MailAccount(rs.getLong(1), rs.getString(3), rs.getLong(2), rs.getString(4),
                    rs.getBoolean(6), ownStorageLimit, ownMessageLimit, rs.getLong(9), rs.getLong(10), ownRetention,
                    rs.getInt(12), Db.instant(rs, "created_at"));
            Quotas.Usage usage = new Quotas.Usage(rs.getLong(9), rs.getLong(15), rs.getLong(10), rs.getLong(16),
                    rs.getInt(17));
            return new AuthRow(account, rs.getString(5), rs.getBoolean(14), usage);
        }, userKey, address).orElse(null);
    }

    /** Counts a failure of the key in its window, and sets when its next attempt may be checked. */
    @Transactional
    int recordFailure(String key) {
        double windowSeconds = config.auth().failureWindow().toSeconds();
        int failures = db.one(RECORD_FAILURE, rs -> rs.getInt(1), key, windowSeconds, windowSeconds).orElse(1);
        db.update(SET_NEXT_ATTEMPT, delayMs(failures) / 1000.0, key);
        return failures;
    }

    @Transactional
    void clearFailures(String userKey) {
        db.update(CLEAR_FAILURES, userKey);
    }

    /** Removes failure records whose window has passed. */
    @Transactional
    public int purgeFailures() {
        return db.update(PURGE_FAILURES, (double) config.auth().failureWindow().toSeconds());
    }
}
