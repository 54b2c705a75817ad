package dev.mailplatform.store.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import dev.mailplatform.store.api.Chunks;
import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.AccountServiceGrpc;
import dev.mailplatform.store.v1.AppendHeader;
import dev.mailplatform.store.v1.AppendRequest;
import dev.mailplatform.store.v1.AppendResponse;
import dev.mailplatform.store.v1.CopyRequest;
import dev.mailplatform.store.v1.CopyResponse;
import dev.mailplatform.store.v1.ExpungeRequest;
import dev.mailplatform.store.v1.ExpungeResponse;
import dev.mailplatform.store.v1.FetchContentRequest;
import dev.mailplatform.store.v1.FetchContentResponse;
import dev.mailplatform.store.v1.Flags;
import dev.mailplatform.store.v1.MailboxRef;
import dev.mailplatform.store.v1.MailboxServiceGrpc;
import dev.mailplatform.store.v1.MessageService;
import dev.mailplatform.store.v1.MessageServiceGrpc;
import dev.mailplatform.store.v1.Pop3ServiceGrpc;
import dev.mailplatform.store.v1.QuotaServiceGrpc;
import dev.mailplatform.store.v1.Section;
import dev.mailplatform.store.v1.SectionKind;
import dev.mailplatform.store.v1.StoreFlagsRequest;
import dev.mailplatform.store.v1.StoreFlagsResponse;
import dev.mailplatform.store.v1.UidRange;
import dev.mailplatform.store.v1.UidSet;
import dev.mailplatform.testkit.StoreInfraResource;
import dev.mailplatform.testkit.StoreTestClient;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.smallrye.mutiny.Multi;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.function.Executable;

/**
 * The base of the contract suite: a real store-service (this Quarkus app) over real gRPC, on embedded PostgreSQL
 * and an in-process s3proxy. Each test works in accounts of its own, so tests never see each other's data.
 */
@QuarkusTestResource(StoreInfraResource.class)
public abstract class StoreContract {


    @GrpcClient("store")
    AccountServiceGrpc.AccountServiceBlockingStub accounts;

    @GrpcClient("store")
    MailboxServiceGrpc.MailboxServiceBlockingStub mailboxes;

    @GrpcClient("store")
    MessageServiceGrpc.MessageServiceBlockingStub messages;

    @GrpcClient("store")
    MessageService messagesAsync;

    @GrpcClient("store")
    QuotaServiceGrpc.QuotaServiceBlockingStub quotas;

    @GrpcClient("store")
    Pop3ServiceGrpc.Pop3ServiceBlockingStub pop3;

    static final String PASSWORD = "correct horse battery";

    /** A fresh account in a fresh domain. */
    protected Account newAccount() {
        return StoreTestClient.newAccount(accounts, "user", PASSWORD);
    }

    private static final java.util.Set<String> DEFAULT_MAILBOXES = java.util.Set.of("INBOX", "Sent", "Drafts", "Trash",
            "Junk", "Archive");

    /**
     * Whether an event only tells of a new account's default mailboxes. Events go out after their commit, batched for
     * up to {@code mail.store.change-batch-delay}, so these may reach a watcher that subscribed after the account was
     * created, even after its WATCH_READY. Tests that expect a particular next event leave them out.
     */
    public static boolean accountSetup(dev.mailplatform.store.v1.ChangeEvent e) {
        return e.getKind() == dev.mailplatform.store.v1.ChangeKind.MAILBOX_CREATED
                && DEFAULT_MAILBOXES.contains(e.getMailbox());
    }

    /** The same, for the change bus's own events. */
    public static boolean accountSetup(dev.mailplatform.store.change.Change e) {
        return e.kind() == dev.mailplatform.store.change.ChangeKind.MAILBOX_CREATED
                && DEFAULT_MAILBOXES.contains(e.mailbox());
    }

    // StoreFlags, Copy, Move and Expunge reply in chunks; the tests look at the merged reply.

    StoreFlagsResponse storeFlags(StoreFlagsRequest r) {
        return Chunks.merged(messages.storeFlags(r), StoreFlagsResponse.getDefaultInstance());
    }

    CopyResponse copy(CopyRequest r) {
        return Chunks.merged(messages.copy(r), CopyResponse.getDefaultInstance());
    }

    CopyResponse move(CopyRequest r) {
        return Chunks.merged(messages.move(r), CopyResponse.getDefaultInstance());
    }

    ExpungeResponse expunge(ExpungeRequest r) {
        return Chunks.merged(messages.expunge(r), ExpungeResponse.getDefaultInstance());
    }

    static MailboxRef ref(Account a, String mailbox) {
        return MailboxRef.newBuilder().setAccountId(a.getId()).setMailbox(mailbox).build();
    }

    static UidSet uids(int first, int last) {
        return UidSet.newBuilder().addRanges(UidRange.newBuilder().setFirst(first).setLast(last)).build();
    }

    static UidSet all() {
        return uids(1, -1);
    }

    protected AppendResponse append(Account a, String mailbox, byte[] message) {
        return append(a, mailbox, message, 0, List.of());
    }

    protected AppendResponse append(Account a, String mailbox, byte[] message, int systemFlags, List<String> keywords) {
        return append(AppendHeader.newBuilder().setMailbox(ref(a, mailbox))
                .setFlags(Flags.newBuilder().setSystem(systemFlags).addAllKeywords(keywords))
                .setDeclaredSize(message.length).build(), message, 16 * 1024);
    }

    /** Streams the message in chunks, as a front end does with an IMAP literal. */
    AppendResponse append(AppendHeader header, byte[] message, int chunk) {
        List<AppendRequest> reqs = new ArrayList<>();
        reqs.add(AppendRequest.newBuilder().setHeader(header).build());
        for (int i = 0; i < message.length; i += chunk) {
            reqs.add(AppendRequest.newBuilder()
                    .setChunk(ByteString.copyFrom(message, i, Math.min(chunk, message.length - i))).build());
        }
        try {
            return messagesAsync.append(Multi.createFrom().iterable(reqs)).await().atMost(Duration.ofSeconds(60));
        } catch (RuntimeException e) {
            throw unwrap(e);
        }
    }

    /** Waits until the wall clock passes t (for S3 and lease times, which are wall-clock based). */
    static void awaitWallClock(java.time.Instant t) throws InterruptedException {
        long ms;
        while ((ms = java.time.Duration.between(java.time.Instant.now(), t).toMillis()) > 0) {
            Thread.sleep(Math.min(ms, 100));
        }
    }

    /**
     * Returns once a transaction waits for a row lock (another transaction's row or tuple lock) in the test
     * database, failing if {@code waiter} finishes first or nothing waits within 20 s. PostgreSQL signals no event
     * for a lock wait, so {@code pg_locks} is polled.
     */
    protected static void awaitLockWait(java.util.concurrent.Future<?> waiter, String what) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(StoreInfraResource.jdbcUrl(),
                StoreInfraResource.dbUser(), StoreInfraResource.dbPassword());
                java.sql.PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_locks "
                        + "WHERE NOT granted AND locktype IN ('transactionid', 'tuple')")) {
            while (true) {
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        return;
                    }
                }
                org.junit.jupiter.api.Assertions.assertTrue(System.nanoTime() < deadline, what + ": it never waited");
                // The poll interval is a wait for the waiter itself, so that its finishing ends the wait at once.
                try {
                    waiter.get(20, java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException stillRunning) {
                    continue;
                } catch (java.util.concurrent.ExecutionException failed) {
                    throw new AssertionError(what + ": it failed without waiting", failed.getCause());
                }
                org.junit.jupiter.api.Assertions.fail(what + ": it finished without waiting");
            }
        }
    }

    static RuntimeException unwrap(RuntimeException e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof StatusRuntimeException s) {
                return s;
            }
        }
        return e;
    }

    byte[] fetch(Account a, String mailbox, int uid, Section section, long offset, long length) {
        Iterator<FetchContentResponse> it = messages.fetchContent(FetchContentRequest.newBuilder()
                .setMailbox(ref(a, mailbox)).setUid(uid).setSection(section).setOffset(offset).setLength(length)
                .build());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (it.hasNext()) {
            out.writeBytes(it.next().getData().toByteArray());
        }
        return out.toByteArray();
    }

    byte[] fetchAll(Account a, String mailbox, int uid) {
        return fetch(a, mailbox, uid, Section.newBuilder().setKind(SectionKind.SECTION_FULL).build(), 0, 0);
    }

    static Section part(SectionKind kind, int... path) {
        Section.Builder b = Section.newBuilder().setKind(kind);
        for (int p : path) {
            b.addPart(p);
        }
        return b.build();
    }

    /** Asserts that the call fails with the code, and returns the description. */
    static String assertStatus(Status.Code code, Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> {
            try {
                call.execute();
            } catch (RuntimeException ex) {
                throw unwrap(ex);
            }
        });
        assertEquals(code, e.getStatus().getCode(), () -> "status was " + e.getStatus());
        return e.getStatus().getDescription();
    }

    /** Drains a server stream (a blocking iterator), so that errors surface. */
    static <T> List<T> drain(Iterator<T> it) {
        List<T> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
