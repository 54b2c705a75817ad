-- RFC 3501 \Recent: the highest UID some session has claimed as recent (the first SELECT that sees a message, or the
-- first sync of a selected session after it arrived). Messages already stored when this column appears count as seen.
ALTER TABLE mailbox ADD COLUMN recent_uid BIGINT NOT NULL DEFAULT 0;
UPDATE mailbox SET recent_uid = uidnext - 1;
