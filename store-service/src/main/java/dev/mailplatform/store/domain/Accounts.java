package dev.mailplatform.store.domain;

import dev.mailplatform.store.auth.PasswordHasher;
import dev.mailplatform.store.entity.AccountEntity;
import dev.mailplatform.store.entity.DomainEntity;
import dev.mailplatform.store.error.StoreException;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** Accounts: their addresses, passwords, limits and state, and the mailboxes a new one starts with. */
@ApplicationScoped
public class Accounts {

    private static final Pattern LOCAL_PART = Pattern.compile("^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}$");
    private static final int MIN_PASSWORD = 8;
    static final int MAX_PASSWORD = 1024;
    private static final String SUBSCRIBE = "INSERT INTO subscription (account_id, name) VALUES (?, ?) "
            + "ON CONFLICT DO NOTHING";
    private static final String RELEASE_BLOBS = "INSERT INTO blob_release (hash) SELECT DISTINCT m.blob_hash "
            + "FROM message m JOIN mailbox b ON b.id = m.mailbox_id WHERE b.account_id = ? ORDER BY 1 "
            + "ON CONFLICT (hash) DO UPDATE SET released_at = EXCLUDED.released_at";

    private final PasswordHasher hasher;
    private final MailboxStore mailboxes;
    private final Db db;
    private final EntityManager em;
    private final QuotaWarnings warnings;

    public Accounts(PasswordHasher hasher, MailboxStore mailboxes, Db db, EntityManager em,
            QuotaWarnings warnings) {
        this.warnings = warnings;
        this.hasher = hasher;
        this.mailboxes = mailboxes;
        this.db = db;
        this.em = em;
    }

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
        return local.toLowerCase(Locale.ROOT) + "@" + Domains.normalize(a.substring(at + 1));
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
    public MailAccount createAccount(String address, String password, String displayName, Long storageLimit,
            Long messageLimit, boolean createDomain) {
        String a = normalizeAddress(address);
        validatePassword(password);
        Quotas.validateLimit("storage limit", storageLimit);
        Quotas.validateLimit("message limit", messageLimit);
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
            db.update(SUBSCRIBE, acc.id, m.getKey());
        }
        em.refresh(acc);
        return toAccount(acc);
    }

    public AccountEntity account(long id) {
        AccountEntity a = AccountEntity.findById(id);
        if (a == null) {
            throw StoreException.notFound("no account " + id);
        }
        return a;
    }

    @Transactional
    public MailAccount getAccount(Long id, String address) {
        if (id != null) {
            return toAccount(account(id));
        }
        return toAccount(AccountEntity.byAddress(normalizeAddress(address))
                .orElseThrow(() -> StoreException.notFound("no account " + address)));
    }

    @Transactional
    public Page<MailAccount> listAccounts(long domainId, int pageSize, String pageToken, String query) {
        int size = Page.size(pageSize);
        long after = Page.after(pageToken);
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
        return Page.of(list, size, a -> a.id, this::toAccount);
    }

    @Transactional
    public MailAccount updateAccount(long id, String displayName, Long storageLimit, Long messageLimit,
            boolean clearStorage, boolean clearMessages, Integer loginDelay) {
        Quotas.validateLimit("storage limit", storageLimit);
        Quotas.validateLimit("message limit", messageLimit);
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
        if (clearStorage || clearMessages || storageLimit != null || messageLimit != null) {
            warnings.recheckAfterCommit(id);
        }
        if (loginDelay != null) {
            if (loginDelay < 0 || loginDelay > 86400) {
                throw StoreException.invalid("login delay must be 0..86400 seconds");
            }
            a.pop3LoginDelaySeconds = loginDelay;
        }
        return toAccount(a);
    }

    @Transactional
    public void deleteAccount(long id) {
        AccountEntity a = account(id);
        db.update(RELEASE_BLOBS, id);
        a.delete();
    }

    @Transactional
    public MailAccount setPassword(long id, String password) {
        validatePassword(password);
        AccountEntity a = account(id);
        a.passwordHash = hasher.hash(password);
        return toAccount(a);
    }

    @Transactional
    public MailAccount setDisabled(long id, boolean disabled) {
        AccountEntity a = account(id);
        a.disabled = disabled;
        return toAccount(a);
    }

    MailAccount toAccount(AccountEntity a) {
        return new MailAccount(a.id, a.address, a.domainId, a.displayName, a.disabled, a.storageLimit,
                a.messageLimit, a.storageUsed, a.messagesUsed, a.pop3RetentionDays, a.pop3LoginDelaySeconds,
                a.createdAt);
    }
}
