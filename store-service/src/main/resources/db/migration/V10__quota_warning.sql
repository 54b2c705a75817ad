-- Quota warnings (QuotaWarnings): the highest warning threshold an account has been warned of, 0 for none. It
-- follows the usage down, so that crossing a threshold again warns again.
ALTER TABLE account ADD COLUMN quota_warned SMALLINT NOT NULL DEFAULT 0;

-- A message the quota does not count: the warnings themselves, so that telling a user the mailbox is full never
-- fills it. Expunging one releases nothing; copying one makes an ordinary, counted message.
ALTER TABLE message ADD COLUMN quota_exempt BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX message_quota_exempt ON message (mailbox_id) WHERE quota_exempt;
