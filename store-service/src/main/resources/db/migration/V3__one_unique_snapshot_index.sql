-- UNIQUE (mailbox_id, uid) and the snapshot index had the same key: every appended or copied message paid for two
-- B-tree inserts where one does. The covering snapshot index now also keeps a UID from being used twice in a mailbox.
DROP INDEX message_snapshot_idx;
ALTER TABLE message DROP CONSTRAINT message_mailbox_id_uid_key;
CREATE UNIQUE INDEX message_snapshot_idx ON message(mailbox_id, uid) INCLUDE (system_flags, modseq, keywords);
