package dev.mailplatform.store.grpc;

import dev.mailplatform.store.domain.CallBudget;
import io.grpc.Context;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs store work (JDBC, S3, Argon2) on the worker pool, never on the gRPC event loop, and streams results page by
 * page: each page is read only when the transport can take it ({@link Readiness}: Quarkus's stubs themselves would
 * read on with unbounded demand), never a whole mailbox in one query.
 */
final class Offload {

    private Offload() {
    }

    static <T> Uni<T> call(Supplier<T> work) {
        return call(CallBudget.Kind.CALL, work);
    }

    /**
     * Runs work under a budget of the given class, which the gRPC call's cancellation (the client's cancel, its
     * deadline, its connection gone) cancels: the statement running in PostgreSQL stops, not just the reply. Must be
     * called from the service method itself, where the call's gRPC context is current.
     */
    static <T> Uni<T> call(CallBudget.Kind kind, Supplier<T> work) {
        CallBudget budget = budget(kind);
        return Uni.createFrom().item(() -> budget.run(work)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onFailure().transform(GrpcErrors::map);
    }

    /** A budget that the current gRPC call's cancellation cancels. */
    static CallBudget budget(CallBudget.Kind kind) {
        CallBudget budget = new CallBudget(kind);
        Context call = Context.current();
        // A server call's context is cancelled when the call ends, however it ends: a budget whose work is done has
        // nothing running, so the late cancel is harmless, and the listener goes with the context.
        call.addListener(c -> budget.cancel(), Runnable::run);
        return budget;
    }

    /**
     * Emits next(state) until it returns an empty list, each page once the call's transport is ready for it.
     * {@code ready} is {@link Readiness#current()}, taken on entry to the service method.
     */
    static <S, T> Multi<List<T>> pages(Readiness ready, Supplier<S> state, Function<S, List<T>> next) {
        CallBudget budget = budget(CallBudget.Kind.CALL);
        return Multi.createBy().repeating()
                .uni(state, s -> ready.await().chain(() -> Uni.createFrom().item(() -> budget.run(() -> next.apply(s)))
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())))
                .until(List::isEmpty)
                .onFailure().transform(GrpcErrors::map);
    }

    /** Reads one page: the items after this UID, at most pageSize of them, ascending. */
    @FunctionalInterface
    interface UidPage<T> {
        List<T> read(long afterUid, int pageSize);
    }

    /**
     * {@link #uidPages}, with the first page already read (in the call's first trip to the worker pool, with what
     * it looked up): a short one is the whole answer, and costs no second trip to the pool.
     */
    static <T> Multi<List<T>> uidPagesAfter(Readiness ready, List<T> first, UidPage<T> page,
            java.util.function.ToLongFunction<T> uidOf, int pageSize) {
        if (first.isEmpty()) {
            return Multi.createFrom().empty();
        }
        Multi<List<T>> head = Multi.createFrom().item(first);
        if (first.size() < pageSize) {
            return head;
        }
        long after = uidOf.applyAsLong(first.get(first.size() - 1));
        return Multi.createBy().concatenating().streams(head, uidPagesFrom(ready, after, page, uidOf, pageSize));
    }

    /**
     * Keyset paging by UID: each page starts after the last UID of the one before, and a short page is the last
     * (no query is made to find out that the next one is empty).
     */
    static <T> Multi<List<T>> uidPages(Readiness ready, UidPage<T> page, java.util.function.ToLongFunction<T> uidOf,
            int pageSize) {
        return uidPagesFrom(ready, 0, page, uidOf, pageSize);
    }

    /** {@link #uidPages} from the UIDs above {@code startAfter}. */
    static <T> Multi<List<T>> uidPagesFrom(Readiness ready, long startAfter, UidPage<T> page,
            java.util.function.ToLongFunction<T> uidOf, int pageSize) {
        final class Cursor {
            long after = startAfter;
            boolean done;
        }
        return pages(ready, Cursor::new, c -> {
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
