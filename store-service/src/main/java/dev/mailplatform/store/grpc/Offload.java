package dev.mailplatform.store.grpc;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs store work (JDBC, S3, Argon2) on the worker pool, never on the gRPC event loop, and streams results page by
 * page: each page is read when the one before has been handed on, never a whole mailbox in one query.
 *
 * <p>Known limit: Quarkus's Mutiny server stubs subscribe to a response stream with unbounded demand and do not wait
 * for the transport to be ready, so for a client that reads slowly the pages already produced wait in the server's
 * outbound buffer. What one stream can hold is therefore what it covers (one message's content, one FetchMessages
 * window of at most 1000 messages, one mailbox's page list), not one page.
 */
final class Offload {

    private Offload() {
    }

    static <T> Uni<T> call(Supplier<T> work) {
        return Uni.createFrom().item(work).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onFailure().transform(GrpcErrors::map);
    }

    /** Emits next(state) until it returns an empty list. */
    static <S, T> Multi<List<T>> pages(Supplier<S> state, Function<S, List<T>> next) {
        return Multi.createBy().repeating()
                .uni(state, s -> Uni.createFrom().item(() -> next.apply(s))
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                .until(List::isEmpty)
                .onFailure().transform(GrpcErrors::map);
    }

    /** Reads one page: the items after this UID, at most pageSize of them, ascending. */
    @FunctionalInterface
    interface UidPage<T> {
        List<T> read(long afterUid, int pageSize);
    }

    /**
     * Keyset paging by UID: each page starts after the last UID of the one before, and a short page is the last
     * (no query is made to find out that the next one is empty).
     */
    static <T> Multi<List<T>> uidPages(UidPage<T> page, java.util.function.ToLongFunction<T> uidOf, int pageSize) {
        final class Cursor {
            long after;
            boolean done;
        }
        return pages(Cursor::new, c -> {
            if (c.done) {
                return List.of();
            }
            List<T> items = page.read(c.after, pageSize);
            c.done = items.size() < pageSize;
            if (!items.isEmpty()) {
                c.after = uidOf.applyAsLong(items.get(items.size() - 1));
            }
            return items;
        });
    }

    static long uid(int unsigned) {
        return Integer.toUnsignedLong(unsigned);
    }
}
