package dev.mailplatform.store.domain;

import java.util.List;

/** What FETCH asks about the messages of a UID set: each flag says whether that item is wanted. */
public record MetadataQuery(UidSet uids, boolean flags, boolean internalDate, boolean size, boolean envelope,
        boolean bodyStructure, boolean modseq, boolean saveDate, boolean emailId, boolean preview,
        List<String> headerFields, boolean headerFieldsNot, long changedSince) {

    /** Whether an item is asked that is kept with the blob (the MIME index), not with the message row. */
    public boolean needsBlob() {
        return envelope || bodyStructure || preview || !headerFields.isEmpty();
    }
}
