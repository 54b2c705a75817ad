-- The store's schema. Counters live next to the rows they count and change in the same transaction.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE domain (
    id                     BIGSERIAL PRIMARY KEY,
    name                   TEXT        NOT NULL UNIQUE,
    default_storage_limit  BIGINT      NOT NULL DEFAULT 0,
    default_message_limit  BIGINT      NOT NULL DEFAULT 0,
    pop3_retention_days    INTEGER     NOT NULL DEFAULT -1,
    created_at             TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE account (
    id                        BIGSERIAL PRIMARY KEY,
    domain_id                 BIGINT      NOT NULL REFERENCES domain(id),
    address                   TEXT        NOT NULL UNIQUE,
    display_name              TEXT        NOT NULL DEFAULT '',
    password_hash             TEXT        NOT NULL,
    disabled                  BOOLEAN     NOT NULL DEFAULT FALSE,
    storage_limit             BIGINT,
    message_limit             BIGINT,
    storage_used              BIGINT      NOT NULL DEFAULT 0,
    messages_used             BIGINT      NOT NULL DEFAULT 0,
    pop3_retention_days       INTEGER,
    pop3_login_delay_seconds  INTEGER     NOT NULL DEFAULT 0,
    pop3_last_login           TIMESTAMPTZ,
    created_at                TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX account_domain_idx ON account(domain_id, address);

-- Failed logins per key ("ip:1.2.3.4", "user:alice@example.org") in a sliding window, shared by every replica.
CREATE TABLE auth_failure (
    key          TEXT        PRIMARY KEY,
    failures     INTEGER     NOT NULL,
    window_start TIMESTAMPTZ NOT NULL,
    last_failure TIMESTAMPTZ NOT NULL
);

-- UIDVALIDITY values come from one sequence that starts at the epoch second of the migration, so a mailbox
-- deleted and created again never gets the same UIDVALIDITY.
DO $$ BEGIN
  EXECUTE format('CREATE SEQUENCE uidvalidity_seq START %s MAXVALUE 4294967295', extract(epoch from now())::bigint);
END $$;

CREATE TABLE mailbox (
    id              BIGSERIAL PRIMARY KEY,
    account_id      BIGINT      NOT NULL REFERENCES account(id) ON DELETE CASCADE,
    name            TEXT        NOT NULL,
    special_use     TEXT        NOT NULL DEFAULT '',
    uidvalidity     BIGINT      NOT NULL,
    uidnext         BIGINT      NOT NULL DEFAULT 1,
    highest_modseq  BIGINT      NOT NULL DEFAULT 1,
    messages        INTEGER     NOT NULL DEFAULT 0,
    unseen          INTEGER     NOT NULL DEFAULT 0,
    size            BIGINT      NOT NULL DEFAULT 0,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (account_id, name)
);

CREATE TABLE subscription (
    account_id  BIGINT NOT NULL REFERENCES account(id) ON DELETE CASCADE,
    name        TEXT   NOT NULL,
    PRIMARY KEY (account_id, name)
);

-- One row per distinct message content (SHA-256 of the bytes). The S3 object key derives from the hash.
-- The MIME index is computed once at ingest, so ENVELOPE, BODYSTRUCTURE and HEADER.FIELDS never read the blob.
CREATE TABLE blob (
    hash            TEXT        PRIMARY KEY,
    size            BIGINT      NOT NULL,
    header_size     BIGINT      NOT NULL,
    header_raw      BYTEA       NOT NULL,
    envelope        BYTEA       NOT NULL,
    body_structure  BYTEA       NOT NULL,
    sent_date       TIMESTAMPTZ,
    preview         TEXT        NOT NULL DEFAULT '',
    -- Decoded, unfolded header text and decoded body text, for SEARCH (substring, case-insensitive).
    search_header   TEXT        NOT NULL DEFAULT '',
    search_body     TEXT        NOT NULL DEFAULT '',
    -- False until the S3 object is known to be written; an append that finds stored=false writes it again.
    stored          BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- Touched by every append and expunge; the collector deletes only blobs unused for the grace period.
    last_used       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX blob_search_header_trgm ON blob USING gin (lower(search_header) gin_trgm_ops);
CREATE INDEX blob_search_body_trgm ON blob USING gin (lower(search_body) gin_trgm_ops);
CREATE INDEX blob_last_used_idx ON blob(last_used);

CREATE TABLE message (
    id               BIGSERIAL PRIMARY KEY,
    mailbox_id       BIGINT      NOT NULL REFERENCES mailbox(id) ON DELETE CASCADE,
    uid              BIGINT      NOT NULL,
    blob_hash        TEXT        NOT NULL REFERENCES blob(hash),
    system_flags     INTEGER     NOT NULL DEFAULT 0,
    keywords         TEXT[]      NOT NULL DEFAULT '{}',
    modseq           BIGINT      NOT NULL,
    size             BIGINT      NOT NULL,
    internal_date    TIMESTAMPTZ NOT NULL,
    save_date        TIMESTAMPTZ NOT NULL DEFAULT now(),
    email_id         TEXT        NOT NULL,
    pop3_retrieved_at TIMESTAMPTZ,
    UNIQUE (mailbox_id, uid)
);
-- The SELECT snapshot and FETCH FLAGS read only this index.
CREATE INDEX message_snapshot_idx ON message(mailbox_id, uid) INCLUDE (system_flags, modseq, keywords);
CREATE INDEX message_modseq_idx ON message(mailbox_id, modseq);
CREATE INDEX message_blob_idx ON message(blob_hash);
CREATE INDEX message_retention_idx ON message(pop3_retrieved_at) WHERE pop3_retrieved_at IS NOT NULL;

-- Expunged UIDs with the modseq of their expunge, for GetChanges (QRESYNC VANISHED).
CREATE TABLE expunged (
    mailbox_id  BIGINT NOT NULL REFERENCES mailbox(id) ON DELETE CASCADE,
    uid         BIGINT NOT NULL,
    modseq      BIGINT NOT NULL,
    PRIMARY KEY (mailbox_id, uid)
);
CREATE INDEX expunged_modseq_idx ON expunged(mailbox_id, modseq);

-- The exclusive POP3 maildrop lease (RFC 1939 lock), one row per account, valid across replicas.
CREATE TABLE pop3_lease (
    account_id  BIGINT      PRIMARY KEY REFERENCES account(id) ON DELETE CASCADE,
    lease_id    TEXT        NOT NULL,
    owner       TEXT        NOT NULL,
    acquired_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at  TIMESTAMPTZ NOT NULL
);
