-- ANALYZE of the blob table sorted samples of every column, the decoded header and body text and their lower()
-- index expressions included, under the database's collation: about 7 % of PostgreSQL's CPU while mail arrives.
-- No query compares these columns by value or range; SEARCH matches substrings through the trigram indexes, which
-- are chosen on the default selectivity of LIKE just as well.
ALTER TABLE blob
    ALTER COLUMN header_raw SET STATISTICS 0,
    ALTER COLUMN envelope SET STATISTICS 0,
    ALTER COLUMN body_structure SET STATISTICS 0,
    ALTER COLUMN preview SET STATISTICS 0,
    ALTER COLUMN search_header SET STATISTICS 0,
    ALTER COLUMN search_body SET STATISTICS 0;
ALTER INDEX blob_search_header_trgm ALTER COLUMN 1 SET STATISTICS 0;
ALTER INDEX blob_search_body_trgm ALTER COLUMN 1 SET STATISTICS 0;
