-- Releasing a blob (its last message expunged, moved away, its mailbox or account deleted) used to rewrite the blob
-- row (last_used = now()). The row is wide and carries two trigram indexes, and last_used had its own index, so the
-- update was never HOT: every expunge wrote a new row version and index entries for every trigram of the message's
-- text, 2-3.5 ms of PostgreSQL per EXPUNGE (docs/benchmarks.md). A release is now one narrow row here, which the
-- collector reads instead of looking for unreferenced blobs among all of them.
CREATE TABLE blob_release (
    hash        TEXT        PRIMARY KEY,
    -- The last release; the collector waits the grace period from here (an in-flight read may still need it).
    released_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX blob_release_at_idx ON blob_release (released_at);

-- Every blob nobody references now is released as of its last use, so the collector still finds it.
INSERT INTO blob_release (hash, released_at)
SELECT b.hash, b.last_used FROM blob b
WHERE b.size >= 0 AND NOT EXISTS (SELECT 1 FROM message m WHERE m.blob_hash = b.hash);

-- blob.last_used is no longer read or written by this version. It stays (unindexed) while replicas of the previous
-- version may still write it during a rolling upgrade; a later migration drops it.
DROP INDEX blob_last_used_idx;
