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

@Entity
@Table(name = "domain")
public class DomainEntity extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false, unique = true)
    public String name;

    /** Null: the platform default applies. */
    @Column(name = "default_storage_limit")
    public Long defaultStorageLimit;

    @Column(name = "default_message_limit")
    public Long defaultMessageLimit;

    /** Days after first POP3 retrieval; -1 means never. */
    @Column(name = "pop3_retention_days", nullable = false)
    public int pop3RetentionDays = -1;

    @Column(name = "created_at", nullable = false, insertable = false, updatable = false)
    public Instant createdAt;

    public static Optional<DomainEntity> byName(String name) {
        return find("name", name).firstResultOptional();
    }
}
