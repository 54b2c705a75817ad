-- SELECT lists the keywords in use in a mailbox (the FLAGS response). Most messages have none; this index holds only
-- those that do, so the list does not scan the whole mailbox.
CREATE INDEX message_keywords_idx ON message (mailbox_id) WHERE keywords <> '{}';
