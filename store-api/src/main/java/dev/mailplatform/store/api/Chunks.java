package dev.mailplatform.store.api;

import com.google.protobuf.Message;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * The contract's chunked replies (StoreFlags, Copy, Move, Expunge): each chunk's repeated fields continue the one
 * before, and scalars are set on the last, so protobuf's {@code mergeFrom} of all chunks is the whole reply. The
 * callers hold the merged reply; what the chunks avoid is one gRPC message larger than the transport's limit.
 */
public final class Chunks {

    /** The most a chunk's entries may take on the wire: far below the 8 MiB message limit the services use. */
    public static final int MAX_CHUNK_BYTES = 1 << 20;

    private Chunks() {
    }

    /** The whole reply from its chunks; {@code empty} (the type's default instance) if there were none. */
    @SuppressWarnings("unchecked")
    public static <M extends Message> Uni<M> merged(Multi<M> chunks, M empty) {
        return chunks.collect().in(empty::toBuilder, Message.Builder::mergeFrom).map(b -> (M) b.build());
    }

    /** The same, for a blocking stub's iterator. */
    @SuppressWarnings("unchecked")
    public static <M extends Message> M merged(Iterator<M> chunks, M empty) {
        Message.Builder b = empty.toBuilder();
        chunks.forEachRemaining(b::mergeFrom);
        return (M) b.build();
    }

    /**
     * Splits {@code items} into consecutive runs of at most {@link #MAX_CHUNK_BYTES} (by each item's size on the wire,
     * plus a few bytes of framing), each run at least one item. An empty list gives one empty run.
     */
    public static <T> List<List<T>> split(List<T> items, ToIntFunction<T> wireSize) {
        List<List<T>> out = new ArrayList<>();
        int from = 0;
        long bytes = 0;
        for (int i = 0; i < items.size(); i++) {
            int size = wireSize.applyAsInt(items.get(i)) + 6;
            if (i > from && bytes + size > MAX_CHUNK_BYTES) {
                out.add(items.subList(from, i));
                from = i;
                bytes = 0;
            }
            bytes += size;
        }
        out.add(items.subList(from, items.size()));
        return out;
    }
}
