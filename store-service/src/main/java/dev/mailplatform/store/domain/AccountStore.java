package dev.mailplatform.store.domain;

import dev.mailplatform.store.auth.PasswordHasher;
import dev.mailplatform.store.config.StoreConfig;
import dev.mailplatform.store.entity.AccountEntity;
import dev.mailplatform.store.entity.DomainEntity;
import dev.mailplatform.store.error.StoreException;
import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.AuthResult;
import dev.mailplatform.store.v1.AuthenticateResponse;
import dev.mailplatform.store.v1.Domain;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.net.IDN;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** Domains, accounts and password checks. */
@ApplicationScoped
public class AccountStore {

    private static final Pattern DOMAIN = Pattern.compile(
            "^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$");
    private static final Pattern LOCAL_PART = Pattern.compile("^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}$");
    private static final int MIN_PASSWORD = 8;
    private static final int MAX_PASSWORD = 1024;

    private final PasswordHasher hasher;
    private final MailboxStore mailboxes;
    private final Db db;
    private final EntityManager em;
    private final StoreConfig config;

    public AccountStore(PasswordHasher hasher, MailboxStore mailboxes, Db db, EntityManager em, StoreConfig config) {
        this.hasher = hasher;
        this.mailboxes = mailboxes;
        this.db = db;
        this.em = em;
        this.config = config;
    }

    // ---- domains ----

    static String normalizeDomain(String name) {
        if (name == null || name.isBlank()) {
            throw StoreException.invalid("domain name is empty");
        }
        String n;
        try {
            n = IDN.toASCII(name.trim(), IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw StoreException.invalid("domain name is not valid: " + e.getMessage());
        }
        if (!DOMAIN.matcher(n).matches()) {
            throw StoreException.invalid("domain name is not valid: " + name);
        }
        return n;
    }

    @Transactional
    public Domain createDomain(String name, long storageLimit, long messageLimit, int retentionDays) {
        String n = normalizeDomain(name);
        if (DomainEntity.byName(n).isPresent()) {
            throw StoreException.exists("domain " + n + " already exists");
        }
        validateRetention(retentionDays);
        DomainEntity d = new DomainEntity();
        d.name = n;
        d.defaultStorageLimit = storageLimit;
        d.defaultMessageLimit = messageLimit;
        d.pop3RetentionDays = retentionDays;
        d.persist();
        em.flush();
        em.refresh(d);
        return toProto(d);
    }

    static void validateRetention(int days) {
        if (days < -1 || days > 36500) {
            throw StoreException.invalid("retention days must be -1 (never) or 0..36500");
        }
    }

    public DomainEntity domain(long id) {
        DomainEntity d = DomainEntity.findById(id);
        if (d == null) {
            throw StoreException.notFound("no domain " + id);
        }
        return d;
    }

    @Transactional
    public Domain getDomain(Long id, String name) {
        if (id != null) {
            return toProto(domain(id));
        }
        return toProto(DomainEntity.byName(normalizeDomain(name))
                .orElseThrow(() -> StoreException.notFound("no domain " + name)));
    }

    @Transactional
    public Page<Domain> listDomains(int pageSize, String pageToken) {
        int size = pageSize(pageSize);
        long after = token(pageToken);
        List<DomainEntity> list = DomainEntity.find("id > ?1", Sort.by("id"), after).page(0, size + 1).list();
        boolean more = list.size() > size;
        List<DomainEntity> page = more ? list.subList(0, size) : list;
        return new Page<>(page.stream().map(this::toProto).toList(),
                more ? String.valueOf(page.get(page.size() - 1).id) : "");
    }

    @Transactional
    public Domain updateDomain(long id, Long storageLimit, Long messageLimit, Integer retentionDays) {
        DomainEntity d = domain(id);
        if (storageLimit != null) {
            d.defaultStorageLimit = storageLimit;
        }
        if (messageLimit != null) {
            d.defaultMessageLimit = messageLimit;
        }
        if (retentionDays != null) {
            validateRetention(retentionDays);
            d.pop3RetentionDays = retentionDays;
        }
        return toProto(d);
    }

    @Transactional
    public void deleteDomain(long id) {
        DomainEntity d = domain(id);
        if (AccountEntity.count("domainId", id) > 0) {
            throw StoreException.precondition("domain " + d.name + " still has accounts");
        }
        d.delete();
    }

    Domain toProto(DomainEntity d) {
        return Domain.newBuilder().setId(d.id).setName(d.name).setDefaultStorageLimit(d.defaultStorageLimit)
                .setDefaultMessageLimit(d.defaultMessageLimit).setPop3RetentionDays(d.pop3RetentionDays)
                .setCreatedAt(d.createdAt == null ? 0 : d.createdAt.toEpochMilli())
                .setAccountCount((int) AccountEntity.count("domainId", d.id)).build();
    }

    // ---- accounts ----

    static String normalizeAddress(String address) {
        if (address == null) {
            throw StoreException.invalid("address is empty");
        }
        String a = address.trim();
        int at = a.lastIndexOf('@');
        if (at <= 0 || at == a.length() - 1) {
            throw StoreException.invalid("address must be local@domain: " + address);
        }
        String local = a.substring(0, at);
        if (!LOCAL_PART.matcher(local).matches() || local.startsWith(".") || local.endsWith(".")
                || local.contains("..")) {
            throw StoreException.invalid("address local part is not valid: " + local);
        }
        return local.toLowerCase(Locale.ROOT) + "@" + normalizeDomain(a.substring(at + 1));
    }

    static void validatePassword(String password) {
        if (password == null || password.length() < MIN_PASSWORD) {
            throw StoreException.invalid("password must have at least " + MIN_PASSWORD + " characters");
        }
        if (password.length() > MAX_PASSWORD) {
            throw StoreException.invalid("password is longer than " + MAX_PASSWORD + " characters");
        }
        if (password.indexOf('\0') >= 0) {
            throw StoreException.invalid("password contains NUL");
        }
    }

    @Transactional
    public Account createAccount(String address, String password, String displayName, Long storageLimit,
            Long messageLimit, boolean createDomain) {
        String a = normalizeAddress(address);
        validatePassword(password);
        String domainName = a.substring(a.indexOf('@') + 1);
        DomainEntity d = DomainEntity.byName(domainName).orElse(null);
        if (d == null) {
            if (!createDomain) {
                throw StoreException.notFound("no domain " + domainName);
            }
            d = new DomainEntity();
            d.name = domainName;
            d.persist();
        }
        if (AccountEntity.byAddress(a).isPresent()) {
            throw StoreException.exists("account " + a + " already exists");
        }
        AccountEntity acc = new AccountEntity();
        acc.domainId = d.id;
        acc.address = a;
        acc.displayName = displayName == null ? "" : displayName;
        acc.passwordHash = hasher.hash(password);
        acc.storageLimit = storageLimit;
        acc.messageLimit = messageLimit;
        acc.persist();
        em.flush();
        for (Map.Entry<String, String> m : MailboxStore.DEFAULT_MAILBOXES.entrySet()) {
            mailboxes.insert(acc.id, m.getKey(), m.getValue());
            db.update("INSERT INTO subscription (account_id, name) VALUES (?, ?) ON CONFLICT DO NOTHING", acc.id,
                    m.getKey());
        }
        em.refresh(acc);
        return toProto(acc);
    }

    public AccountEntity account(long id) {
        AccountEntity a = AccountEntity.findById(id);
        if (a == null) {
            throw StoreException.notFound("no account " + id);
        }
        return a;
    }

    @Transactional
    public Account getAccount(Long id, String address) {
        if (id != null) {
            return toProto(account(id));
        }
        return toProto(AccountEntity.byAddress(normalizeAddress(address))
                .orElseThrow(() -> StoreException.notFound("no account " + address)));
    }

    @Transactional
    public Page<Account> listAccounts(long domainId, int pageSize, String pageToken, String query) {
        int size = pageSize(pageSize);
        long after = token(pageToken);
        StringBuilder q = new StringBuilder("id > :after");
        Parameters p = Parameters.with("after", after);
        if (domainId != 0) {
            q.append(" and domainId = :domain");
            p.and("domain", domainId);
        }
        if (query != null && !query.isBlank()) {
            q.append(" and address like :q escape '\\'");
            p.and("q", "%" + query.toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%")
                    .replace("_", "\\_") + "%");
        }
        List<AccountEntity> list = AccountEntity.find(q.toString(), Sort.by("id"), p).page(0, size + 1).list();
        boolean more = list.size() > size;
        List<AccountEntity> page = more ? list.subList(0, size) : list;
        return new Page<>(page.stream().map(this::toProto).toList(),
                more ? String.valueOf(page.get(page.size() - 1).id) : "");
    }

    @Transactional
    public Account updateAccount(long id, String displayName, Long storageLimit, Long messageLimit,
            boolean clearStorage, boolean clearMessages, Integer loginDelay) {
        AccountEntity a = account(id);
        if (displayName != null) {
            a.displayName = displayName;
        }
        if (clearStorage) {
            a.storageLimit = null;
        } else if (storageLimit != null) {
            a.storageLimit = storageLimit;
        }
        if (clearMessages) {
            a.messageLimit = null;
        } else if (messageLimit != null) {
            a.messageLimit = messageLimit;
        }
        if (loginDelay != null) {
            if (loginDelay < 0 || loginDelay > 86400) {
                throw StoreException.invalid("login delay must be 0..86400 seconds");
            }
            a.pop3LoginDelaySeconds = loginDelay;
        }
        return toProto(a);
    }

    @Transactional
    public void deleteAccount(long id) {
        AccountEntity a = account(id);
        db.update("UPDATE blob SET last_used = now() WHERE hash IN (SELECT m.blob_hash FROM message m "
                + "JOIN mailbox b ON b.id = m.mailbox_id WHERE b.account_id = ?)", id);
        a.delete();
    }

    @Transactional
    public Account setPassword(long id, String password) {
        validatePassword(password);
        AccountEntity a = account(id);
        a.passwordHash = hasher.hash(password);
        return toProto(a);
    }

    @Transactional
    public Account setDisabled(long id, boolean disabled) {
        AccountEntity a = account(id);
        a.disabled = disabled;
        return toProto(a);
    }

    Account toProto(AccountEntity a) {
        Account.Builder b = Account.newBuilder().setId(a.id).setAddress(a.address).setDomainId(a.domainId)
                .setDisplayName(a.displayName).setDisabled(a.disabled).setStorageUsed(a.storageUsed)
                .setMessagesUsed(a.messagesUsed).setPop3LoginDelaySeconds(a.pop3LoginDelaySeconds)
                .setCreatedAt(a.createdAt == null ? 0 : a.createdAt.toEpochMilli());
        if (a.storageLimit != null) {
            b.setStorageLimit(a.storageLimit);
        }
        if (a.messageLimit != null) {
            b.setMessageLimit(a.messageLimit);
        }
        if (a.pop3RetentionDays != null) {
            b.setPop3RetentionDays(a.pop3RetentionDays);
        }
        return b.build();
    }

    // ---- authentication ----

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
     */
    public AuthenticateResponse authenticate(String username, String password, String remoteIp) {
        String address;
        try {
            address = normalizeAddress(username);
        } catch (StoreException e) {
            address = username == null ? "" : username.toLowerCase(Locale.ROOT);
        }
        String ip = remoteIp == null ? "" : remoteIp;
        String ipKey = clip("ip:" + ip);
        String userKey = clip("user-ip:" + ip + "|" + address);
        AuthRow acc = address.isEmpty() ? null : findForAuth(address, userKey);
        boolean usable = acc != null && password != null && password.length() <= MAX_PASSWORD;
        if (usable && hasher.remembered(password, acc.passwordHash())) {
            return succeeded(acc, userKey);
        }
        java.util.concurrent.locks.Lock lock = CHECKS[Math.floorMod(userKey.hashCode(), CHECKS.length)];
        lock.lock();
        try {
            Throttle t = throttle(ipKey, userKey);
            if (t.refuse()) {
                return AuthenticateResponse.newBuilder().setResult(AuthResult.AUTH_INVALID_CREDENTIALS)
                        .setFailuresForIp(t.ipFailures()).setFailuresForUser(t.userFailures()).setThrottled(true)
                        .setDelayMs((int) Math.min(Integer.MAX_VALUE, t.waitMs())).build();
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
            return AuthenticateResponse.newBuilder().setResult(AuthResult.AUTH_INVALID_CREDENTIALS)
                    .setFailuresForIp(ipFailures).setFailuresForUser(userFailures)
                    .setDelayMs((int) delayMs(userFailures)).build();
        } finally {
            lock.unlock();
        }
    }

    /** Serialises the checks of one user name from one IP on this replica (striped: memory stays fixed). */
    private static final java.util.concurrent.locks.Lock[] CHECKS = new java.util.concurrent.locks.Lock[1024];

    static {
        for (int i = 0; i < CHECKS.length; i++) {
            CHECKS[i] = new java.util.concurrent.locks.ReentrantLock();
        }
    }

    private AuthenticateResponse succeeded(AuthRow acc, String userKey) {
        if (acc.failuresOnRecord()) {
            clearFailures(userKey);
        }
        if (acc.account().getDisabled()) {
            return AuthenticateResponse.newBuilder().setResult(AuthResult.AUTH_ACCOUNT_DISABLED).build();
        }
        return AuthenticateResponse.newBuilder().setResult(AuthResult.AUTH_OK).setAccount(acc.account()).build();
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
        for (Object[] row : db.list("SELECT key, failures FROM auth_failure WHERE key IN (?, ?) "
                + "AND window_start > now() - make_interval(secs => ?)",
                rs -> new Object[] {rs.getString(1), rs.getInt(2)}, ipKey, userKey, window)) {
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
        return db.one("WITH c AS (UPDATE auth_failure SET next_attempt = clock_timestamp() + make_interval(secs => ?) "
                + "WHERE key = ? AND (next_attempt IS NULL OR next_attempt <= clock_timestamp()) RETURNING 1) "
                + "SELECT CASE WHEN EXISTS (SELECT 1 FROM c) THEN -1 ELSE (SELECT GREATEST(1, "
                + "ceil(extract(epoch FROM next_attempt - clock_timestamp()) * 1000))::bigint FROM auth_failure "
                + "WHERE key = ?) END", rs -> rs.getLong(1), delayMs / 1000.0, key, key).orElse(-1L);
    }

    /** An account as a login sees it, and whether failed logins are on record for its name. */
    record AuthRow(Account account, String passwordHash, boolean failuresOnRecord) {
    }

    /**
     * One statement and no transaction: every POP3 and IMAP login runs it, and a login that succeeds after no
     * failure (nearly all of them) then writes nothing.
     */
    AuthRow findForAuth(String address, String userKey) {
        return db.one("SELECT a.id, a.domain_id, a.address, a.display_name, a.password_hash, a.disabled, "
                + "a.storage_limit, a.message_limit, a.storage_used, a.messages_used, a.pop3_retention_days, "
                + "a.pop3_login_delay_seconds, a.created_at, EXISTS (SELECT 1 FROM auth_failure f WHERE f.key = ?) "
                + "FROM account a WHERE a.address = ?", rs -> {
                    Account.Builder b = Account.newBuilder().setId(rs.getLong(1)).setDomainId(rs.getLong(2))
                            .setAddress(rs.getString(3)).setDisplayName(rs.getString(4)).setDisabled(rs.getBoolean(6))
                            .setStorageUsed(rs.getLong(9)).setMessagesUsed(rs.getLong(10))
                            .setPop3LoginDelaySeconds(rs.getInt(12));
                    long storageLimit = rs.getLong(7);
                    if (!rs.wasNull()) {
                        b.setStorageLimit(storageLimit);
                    }
                    long messageLimit = rs.getLong(8);
                    if (!rs.wasNull()) {
                        b.setMessageLimit(messageLimit);
                    }
                    int retention = rs.getInt(11);
                    if (!rs.wasNull()) {
                        b.setPop3RetentionDays(retention);
                    }
                    Instant created = Db.instant(rs, "created_at");
                    b.setCreatedAt(created == null ? 0 : created.toEpochMilli());
                    return new AuthRow(b.build(), rs.getString(5), rs.getBoolean(14));
                }, userKey, address).orElse(null);
    }

    /** Counts a failure of the key in its window, and sets when its next attempt may be checked. */
    @Transactional
    int recordFailure(String key) {
        double windowSeconds = config.auth().failureWindow().toSeconds();
        int failures = db.one("INSERT INTO auth_failure (key, failures, window_start, last_failure) "
                + "VALUES (?, 1, now(), now()) ON CONFLICT (key) DO UPDATE SET "
                + "failures = CASE WHEN auth_failure.window_start < now() - make_interval(secs => ?) THEN 1 "
                + "ELSE auth_failure.failures + 1 END, "
                + "window_start = CASE WHEN auth_failure.window_start < now() - make_interval(secs => ?) THEN now() "
                + "ELSE auth_failure.window_start END, last_failure = now() RETURNING failures",
                rs -> rs.getInt(1), key, windowSeconds, windowSeconds).orElse(1);
        db.update("UPDATE auth_failure SET next_attempt = clock_timestamp() + make_interval(secs => ?) WHERE key = ?",
                delayMs(failures) / 1000.0, key);
        return failures;
    }

    @Transactional
    void clearFailures(String userKey) {
        db.update("DELETE FROM auth_failure WHERE key = ?", userKey);
    }

    /** Removes failure records whose window has passed. */
    @Transactional
    public int purgeFailures() {
        return db.update("DELETE FROM auth_failure WHERE last_failure < now() - make_interval(secs => ?)",
                (double) config.auth().failureWindow().toSeconds());
    }

    // ---- paging ----

    public record Page<T>(List<T> items, String nextToken) {
    }

    private static int pageSize(int requested) {
        if (requested < 0) {
            throw StoreException.invalid("page size must not be negative");
        }
        return requested == 0 ? 100 : Math.min(requested, 1000);
    }

    private static long token(String token) {
        if (token == null || token.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(token);
        } catch (NumberFormatException e) {
            throw StoreException.invalid("page token is not valid");
        }
    }
}
