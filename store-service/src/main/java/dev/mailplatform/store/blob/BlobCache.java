package dev.mailplatform.store.blob;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bytes of recently read small blobs, least recently used out first, bounded by their total size. Safe without
 * any invalidation because a blob is immutable: its key is the SHA-256 of its bytes, so whatever is cached under a
 * hash is what S3 holds under it, or would hold if it were uploaded again.
 *
 * <p>It exists for POP3, whose clients RETR every message of a maildrop, often again in the next session ("leave
 * on server"), and IMAP clients that fetch a message in several sections: without it each read is an S3 GET.
 */
final class BlobCache {

    private final long capacity;
    private final int maxEntry;
    private final LinkedHashMap<String, byte[]> entries = new LinkedHashMap<>(256, 0.75f, true);
    private long bytes;

    /** {@code capacity} 0 turns the cache off. */
    BlobCache(long capacity, int maxEntry) {
        this.capacity = capacity;
        this.maxEntry = (int) Math.min(maxEntry, capacity);
    }

    /** Whether a blob of this size is kept at all. */
    boolean admits(long size) {
        return size >= 0 && size <= maxEntry;
    }

    synchronized byte[] get(String hash) {
        return entries.get(hash);
    }

    synchronized void put(String hash, byte[] data) {
        if (!admits(data.length)) {
            return;
        }
        byte[] old = entries.put(hash, data);
        bytes += data.length - (old == null ? 0 : old.length);
        var it = entries.entrySet().iterator();
        while (bytes > capacity && it.hasNext()) {
            Map.Entry<String, byte[]> eldest = it.next();
            bytes -= eldest.getValue().length;
            it.remove();
        }
    }

    synchronized long bytes() {
        return bytes;
    }
}
