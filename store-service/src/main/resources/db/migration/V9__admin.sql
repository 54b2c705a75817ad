-- Quota defaults and the admin console's data.

-- The platform default quota (mail.quota.*), one row, written at every start (QuotaDefaults). The quota queries read
-- it in a scalar subquery, so that they stay one statement and a changed setting applies without touching rows.
CREATE TABLE platform_quota (
    id             BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (id),
    storage_limit  BIGINT  NOT NULL,
    message_limit  BIGINT  NOT NULL
);
INSERT INTO platform_quota (id, storage_limit, message_limit) VALUES (TRUE, 0, 0);

-- A domain's default may now be absent: the platform default applies. 0 was the column's default, i.e. "nobody
-- chose"; such domains now follow the platform default (0 set explicitly from here on still means unlimited).
ALTER TABLE domain ALTER COLUMN default_storage_limit DROP NOT NULL;
ALTER TABLE domain ALTER COLUMN default_storage_limit DROP DEFAULT;
ALTER TABLE domain ALTER COLUMN default_message_limit DROP NOT NULL;
ALTER TABLE domain ALTER COLUMN default_message_limit DROP DEFAULT;
UPDATE domain SET default_storage_limit = NULL WHERE default_storage_limit = 0;
UPDATE domain SET default_message_limit = NULL WHERE default_message_limit = 0;

-- Administrators of the console: super-admin (everything) or domain-admin (the domains in admin_domain).
CREATE TABLE admin (
    id             BIGSERIAL   PRIMARY KEY,
    username       TEXT        NOT NULL UNIQUE,
    password_hash  TEXT        NOT NULL,
    role           TEXT        NOT NULL CHECK (role IN ('super-admin', 'domain-admin')),
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE admin_domain (
    admin_id   BIGINT NOT NULL REFERENCES admin(id) ON DELETE CASCADE,
    domain_id  BIGINT NOT NULL REFERENCES domain(id) ON DELETE CASCADE,
    PRIMARY KEY (admin_id, domain_id)
);

-- API bearer tokens: only the SHA-256 of the token is kept (it is 32 random bytes, so no slow hash is needed).
CREATE TABLE admin_token (
    id          BIGSERIAL   PRIMARY KEY,
    admin_id    BIGINT      NOT NULL REFERENCES admin(id) ON DELETE CASCADE,
    name        TEXT        NOT NULL,
    token_hash  TEXT        NOT NULL UNIQUE,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_used   TIMESTAMPTZ
);

-- Who changed what, and when. Append-only; the actor is kept by name so the record outlives the admin.
CREATE TABLE audit_log (
    id      BIGSERIAL   PRIMARY KEY,
    at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor   TEXT        NOT NULL,
    action  TEXT        NOT NULL,
    target  TEXT        NOT NULL,
    detail  TEXT        NOT NULL DEFAULT ''
);
