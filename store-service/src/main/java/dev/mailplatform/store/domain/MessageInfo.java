package dev.mailplatform.store.domain;

import java.time.Instant;
import java.util.List;

/**
 * One message's FETCH items; an item not asked for is 0, empty or null. {@code envelope} and {@code bodyStructure}
 * are the MIME index's columns as stored (see {@code mime.MimeIndexer}), passed on without being read here.
 */
public record MessageInfo(long uid, int systemFlags, List<String> keywords, long modseq, Instant internalDate,
        long size, Instant saveDate, String emailId, byte[] envelope, byte[] bodyStructure, String preview,
        byte[] headerFields) {
}
