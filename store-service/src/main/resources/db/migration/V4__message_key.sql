-- A message is identified by (mailbox_id, uid) everywhere; the surrogate id was only ever joined back to itself.
-- Each append paid for it with a sequence value and a btree insert, and (mailbox_id, uid) was indexed twice: once
-- for UNIQUE and once with the covering columns for the SELECT snapshot. Now one primary key does both, so an
-- append inserts into three btrees of message instead of five.
ALTER TABLE message DROP COLUMN id;
DROP INDEX message_snapshot_idx;
ALTER TABLE message DROP CONSTRAINT message_mailbox_id_uid_key;
-- The SELECT snapshot and FETCH FLAGS read only this index.
ALTER TABLE message ADD CONSTRAINT message_pkey PRIMARY KEY (mailbox_id, uid) INCLUDE (system_flags, modseq, keywords);
