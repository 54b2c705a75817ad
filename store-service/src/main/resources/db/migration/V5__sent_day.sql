-- SEARCH SENTBEFORE, SENTON and SENTSINCE compare the day of the Date field "disregarding time and timezone"
-- (RFC 3501): the day as the sender wrote it. sent_date is an instant, and its day in UTC is another day for a message
-- sent in the evening west of Greenwich (or in the morning east of it). Rows written before this column have none;
-- search takes their sent_date's day in UTC, as it did.
ALTER TABLE blob ADD COLUMN sent_day DATE;
