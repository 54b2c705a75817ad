package dev.mailplatform.store.domain;

import dev.mailplatform.store.entity.AccountEntity;
import dev.mailplatform.store.entity.DomainEntity;
import dev.mailplatform.store.error.StoreException;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.net.IDN;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Mail domains: their names, the limits their new accounts get, and their POP3 retention. */
@ApplicationScoped
public class Domains {

    private static final Pattern DOMAIN = Pattern.compile(
            "^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$");

    private final EntityManager em;
    private final Db db;
    private final Accounts accounts;

    public Domains(EntityManager em, Db db, Accounts accounts) {
        this.em = em;
        this.db = db;
        this.accounts = accounts;
    }

    static String normalize(String name) {
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

    static void validateRetention(int days) {
        if (days < -1 || days > 36500) {
            throw StoreException.invalid("retention days must be -1 (never) or 0..36500");
        }
    }

    @Transactional
    public MailDomain createDomain(String name, Long storageLimit, Long messageLimit, int retentionDays) {
        String n = normalize(name);
        if (DomainEntity.byName(n).isPresent()) {
            throw StoreException.exists("domain " + n + " already exists");
        }
        validateRetention(retentionDays);
        Quotas.validateLimit("default storage limit", storageLimit);
        Quotas.validateLimit("default message limit", messageLimit);
        DomainEntity d = new DomainEntity();
        d.name = n;
        d.defaultStorageLimit = storageLimit;
        d.defaultMessageLimit = messageLimit;
        d.pop3RetentionDays = retentionDays;
        d.persist();
        em.flush();
        em.refresh(d);
        return toDomain(d);
    }

    public DomainEntity domain(long id) {
        DomainEntity d = DomainEntity.findById(id);
        if (d == null) {
            throw StoreException.notFound("no domain " + id);
        }
        return d;
    }

    @Transactional
    public MailDomain getDomain(Long id, String name) {
        if (id != null) {
            return toDomain(domain(id));
        }
        return toDomain(DomainEntity.byName(normalize(name))
                .orElseThrow(() -> StoreException.notFound("no domain " + name)));
    }

    @Transactional
    public Page<MailDomain> listDomains(int pageSize, String pageToken) {
        int size = Page.size(pageSize);
        long after = Page.after(pageToken);
        List<DomainEntity> list = DomainEntity.find("id > ?1", Sort.by("id"), after).page(0, size + 1).list();
        return Page.of(list, size, d -> d.id, this::toDomain);
    }

    @Transactional
    public MailDomain updateDomain(long id, Long storageLimit, Long messageLimit, Integer retentionDays,
            boolean clearStorage, boolean clearMessages) {
        DomainEntity d = domain(id);
        Quotas.validateLimit("default storage limit", storageLimit);
        Quotas.validateLimit("default message limit", messageLimit);
        if (clearStorage) {
            d.defaultStorageLimit = null;
        } else if (storageLimit != null) {
            d.defaultStorageLimit = storageLimit;
        }
        if (clearMessages) {
            d.defaultMessageLimit = null;
        } else if (messageLimit != null) {
            d.defaultMessageLimit = messageLimit;
        }
        if (retentionDays != null) {
            validateRetention(retentionDays);
            d.pop3RetentionDays = retentionDays;
        }
        return toDomain(d);
    }

    @Transactional
    public void deleteDomain(long id, boolean cascade) {
        DomainEntity d = domain(id);
        if (AccountEntity.count("domainId", id) > 0) {
            if (!cascade) {
                throw StoreException.precondition("domain " + d.name + " still has accounts");
            }
            for (AccountEntity a : AccountEntity.<AccountEntity>list("domainId", id)) {
                accounts.deleteAccount(a.id);
            }
            em.flush();
        }
        d.delete();
    }

    MailDomain toDomain(DomainEntity d) {
        long[] platform = platformDefaults();
        return new MailDomain(d.id, d.name, d.defaultStorageLimit, d.defaultMessageLimit, d.pop3RetentionDays,
                d.createdAt, (int) AccountEntity.count("domainId", d.id),
                d.defaultStorageLimit != null ? d.defaultStorageLimit : platform[0],
                d.defaultMessageLimit != null ? d.defaultMessageLimit : platform[1]);
    }

    /** The platform default quota as written at start: {storage, messages}. */
    public long[] platformDefaults() {
        return db.one("SELECT storage_limit, message_limit FROM platform_quota",
                rs -> new long[] {rs.getLong(1), rs.getLong(2)}).orElse(new long[] {0, 0});
    }
}
