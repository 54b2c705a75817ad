-- Delivery (LMTP): aliases, and the Message-IDs already delivered per account for duplicate suppression.

-- "local@domain" → an address, or "@domain" → "@otherdomain" (every local part of a domain). Lower case.
CREATE TABLE alias (
    source      TEXT        PRIMARY KEY,
    target      TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- A row per Message-ID delivered to an account; a delivery within the window of delivered_at is a duplicate.
CREATE TABLE delivery_seen (
    account_id    BIGINT      NOT NULL REFERENCES account(id) ON DELETE CASCADE,
    message_id    TEXT        NOT NULL,
    delivered_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, message_id)
);
CREATE INDEX delivery_seen_time_idx ON delivery_seen(delivered_at);

-- Header lines a delivery prepends for its recipient (Return-Path, Delivered-To), kept with the message row so the
-- shared blob stays one copy. Every content path serves them before the blob's bytes; message.size counts them.
ALTER TABLE message ADD COLUMN header_prefix BYTEA;
