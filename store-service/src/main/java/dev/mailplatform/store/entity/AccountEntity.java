package dev.mailplatform.store.entity;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Optional;

/**
 * An account. Usage counters (storage_used, messages_used) are written by SQL inside the message transactions, so
 * they are read-only here.
 */
@Entity
@Table(name = "account")
public class AccountEntity extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "domain_id", nullable = false)
    public long domainId;

    @Column(nullable = false, unique = true)
    public String address;

    @Column(name = "display_name", nullable = false)
    public String displayName = "";

    @Column(name = "password_hash", nullable = false)
    public String passwordHash;

    @Column(nullable = false)
    public boolean disabled;

    @Column(name = "storage_limit")
    public Long storageLimit;

    @Column(name = "message_limit")
    public Long messageLimit;

    @Column(name = "storage_used", insertable = false, updatable = false)
    public long storageUsed;

    @Column(name = "messages_used", insertable = false, updatable = false)
    public long messagesUsed;

    @Column(name = "pop3_retention_days")
    public Integer pop3RetentionDays;

    @Column(name = "pop3_login_delay_seconds", nullable = false)
    public int pop3LoginDelaySeconds;

    @Column(name = "created_at", nullable = false, insertable = false, updatable = false)
    public Instant createdAt;

    public static Optional<AccountEntity> byAddress(String address) {
        return find("address", address).firstResultOptional();
    }
}
