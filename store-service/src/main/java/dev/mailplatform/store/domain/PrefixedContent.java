package dev.mailplatform.store.domain;

import dev.mailplatform.store.blob.BlobStore;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;

/**
 * A message as served: its row's header prefix (the lines a delivery added, or none) followed by its blob. Offsets
 * and lengths are in the message's bytes, so every reader (FETCH, partial FETCH, RETR, TOP) sees the same bytes and
 * the sizes they are told.
 */
public final class PrefixedContent {

    private static final byte[] NONE = new byte[0];

    private PrefixedContent() {
    }

    public static byte[] orNone(byte[] prefix) {
        return prefix == null ? NONE : prefix;
    }

    /** {@code length} bytes of the message from {@code offset}: from the prefix, then from the blob. */
    public static InputStream open(BlobStore blobs, String hash, long blobSize, byte[] prefix, long offset,
            long length) {
        int p = orNone(prefix).length;
        if (offset >= p) {
            return blobs.read(hash, blobSize, offset - p, length);
        }
        int head = (int) Math.min(p - offset, length);
        InputStream fromPrefix = new ByteArrayInputStream(prefix, (int) offset, head);
        long rest = length - head;
        return rest <= 0 ? fromPrefix : new SequenceInputStream(fromPrefix, blobs.read(hash, blobSize, 0, rest));
    }

    /** The prefix followed by the blob's header: the message's header as served. */
    public static byte[] header(byte[] prefix, byte[] blobHeader) {
        if (prefix == null || prefix.length == 0) {
            return blobHeader;
        }
        byte[] all = new byte[prefix.length + blobHeader.length];
        System.arraycopy(prefix, 0, all, 0, prefix.length);
        System.arraycopy(blobHeader, 0, all, prefix.length, blobHeader.length);
        return all;
    }
}
