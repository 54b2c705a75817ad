package dev.mailplatform.store.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mailplatform.localplatform.EmbeddedPostgresServer;
import dev.mailplatform.localplatform.EmbeddedS3Server;
import dev.mailplatform.localplatform.Ports;
import dev.mailplatform.localplatform.ServiceProcess;
import dev.mailplatform.store.contract.StoreContract;
import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.AccountServiceGrpc;
import dev.mailplatform.store.v1.AppendResponse;
import dev.mailplatform.store.v1.ChangeEvent;
import dev.mailplatform.store.v1.ChangeKind;
import dev.mailplatform.store.v1.CreateAccountRequest;
import dev.mailplatform.store.v1.Flags;
import dev.mailplatform.store.v1.MailboxRef;
import dev.mailplatform.store.v1.MessageServiceGrpc;
import dev.mailplatform.store.v1.OpenMaildropRequest;
import dev.mailplatform.store.v1.Pop3ServiceGrpc;
import dev.mailplatform.store.v1.StoreFlagsRequest;
import dev.mailplatform.store.v1.UidRange;
import dev.mailplatform.store.v1.UidSet;
import dev.mailplatform.store.v1.WatchRequest;
import dev.mailplatform.testkit.StoreTestClient;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two store-service processes (the packaged application) on one PostgreSQL and one S3: a change committed through
 * one reaches Watch streams on the other, and the POP3 lease holds across both. Runs after packaging (failsafe).
 */
class CrossReplicaIT {

    static EmbeddedPostgresServer pg;
    static EmbeddedS3Server s3;
    static ServiceProcess a;
    static ServiceProcess b;
    static ManagedChannel ca;
    static ManagedChannel cb;
    static final Map<String, Integer> grpcPorts = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        Path base = Files.createDirectories(Path.of("target", "replica-it").toAbsolutePath());
        pg = EmbeddedPostgresServer.start(null, 0);
        s3 = EmbeddedS3Server.start(null, 0);
        Path jar = Path.of(System.getProperty("testkit.store-jar", "target/quarkus-app/quarkus-run.jar"));
        a = start("store-a", jar, base);
        // The second replica starts after the first has migrated the schema.
        a.awaitReady(Duration.ofSeconds(120));
        b = start("store-b", jar, base);
        b.awaitReady(Duration.ofSeconds(120));
        ca = NettyChannelBuilder.forAddress("127.0.0.1", grpcPorts.get("store-a")).usePlaintext().build();
        cb = NettyChannelBuilder.forAddress("127.0.0.1", grpcPorts.get("store-b")).usePlaintext().build();
    }

    static ServiceProcess start(String name, Path jar, Path base) throws Exception {
        int grpcPort = Ports.freePort();
        int httpPort = Ports.freePort();
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("MAIL_DB_URL", pg.jdbcUrl());
        env.put("MAIL_DB_USER", pg.user());
        env.put("MAIL_DB_PASSWORD", pg.password());
        env.put("MAIL_S3_ENDPOINT", s3.endpoint());
        env.put("MAIL_S3_ACCESS_KEY", s3.accessKey());
        env.put("MAIL_S3_SECRET_KEY", s3.secretKey());
        // The store's own settings, as a deployment sets them (the launcher and testkit use QUARKUS_HTTP_PORT).
        env.put("MAIL_STORE_PORT", String.valueOf(grpcPort));
        env.put("MAIL_STORE_HTTP_PORT", String.valueOf(httpPort));
        env.put("MAIL_STORE_BIND", "127.0.0.1");
        grpcPorts.put(name, grpcPort);
        return ServiceProcess.start(name, jar, httpPort, env, List.of("-Xmx256m"), base.resolve(name + ".log"),
                null);
    }

    @AfterAll
    static void stop() {
        for (ManagedChannel c : new ManagedChannel[] {ca, cb}) {
            if (c != null) {
                c.shutdownNow();
            }
        }
        for (AutoCloseable c : new AutoCloseable[] {a, b, s3, pg}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // keep closing the rest
            }
        }
    }

    @Test
    void watchEventsCrossReplicasAndTheLeaseHoldsOnBoth() throws Exception {
        Account acc = AccountServiceGrpc.newBlockingStub(ca).createAccount(CreateAccountRequest.newBuilder()
                .setAddress("replica" + System.nanoTime() + "@replica.example.test").setPassword("replica-password")
                .setCreateDomain(true).build());
        MailboxRef inbox = MailboxRef.newBuilder().setAccountId(acc.getId()).setMailbox("INBOX").build();

        LinkedBlockingQueue<ChangeEvent> onB = new LinkedBlockingQueue<>();
        MessageServiceGrpc.newStub(cb).watch(WatchRequest.newBuilder().setAccountId(acc.getId()).build(),
                new StreamObserver<>() {
                    @Override
                    public void onNext(ChangeEvent value) {
                        if (!StoreContract.accountSetup(value)) {
                            onB.add(value);
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        ChangeEvent ready = onB.poll(10, TimeUnit.SECONDS);
        assertNotNull(ready);
        assertEquals(ChangeKind.WATCH_READY, ready.getKind());

        long t0 = System.nanoTime();
        AppendResponse r = StoreTestClient.append(ca, inbox, ("Subject: across\r\n\r\nfrom replica A\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        ChangeEvent added = onB.poll(10, TimeUnit.SECONDS);
        assertNotNull(added, "replica B heard of the append on replica A");
        System.out.printf("cross-replica watch latency: %.1f ms%n", (System.nanoTime() - t0) / 1e6);
        assertEquals(ChangeKind.MESSAGES_ADDED, added.getKind());
        assertEquals(r.getUid() + 1, added.getUidnext());

        // And the other way round, for a flag change.
        LinkedBlockingQueue<ChangeEvent> onA = new LinkedBlockingQueue<>();
        MessageServiceGrpc.newStub(ca).watch(WatchRequest.newBuilder().setAccountId(acc.getId()).build(),
                new StreamObserver<>() {
                    @Override
                    public void onNext(ChangeEvent value) {
                        if (!StoreContract.accountSetup(value)) {
                            onA.add(value);
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        assertEquals(ChangeKind.WATCH_READY, onA.poll(10, TimeUnit.SECONDS).getKind());
        MessageServiceGrpc.newBlockingStub(cb).storeFlags(StoreFlagsRequest.newBuilder().setMailbox(inbox)
                .setUids(UidSet.newBuilder().addRanges(UidRange.newBuilder().setFirst(r.getUid()).setLast(r.getUid())))
                .setFlags(Flags.newBuilder().setSystem(1)).build()).forEachRemaining(chunk -> { });
        ChangeEvent flags = onA.poll(10, TimeUnit.SECONDS);
        assertNotNull(flags, "replica A heard of the flag change on replica B");
        assertEquals(ChangeKind.FLAGS_CHANGED, flags.getKind());

        // The POP3 lease taken through A blocks a session through B.
        List<Object> header = new ArrayList<>();
        Pop3ServiceGrpc.newBlockingStub(ca).openMaildrop(OpenMaildropRequest.newBuilder().setAccountId(acc.getId())
                .setOwner("replica-a").build()).forEachRemaining(header::add);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> Pop3ServiceGrpc
                .newBlockingStub(cb).openMaildrop(OpenMaildropRequest.newBuilder().setAccountId(acc.getId())
                        .setOwner("replica-b").build()).forEachRemaining(x -> { }));
        assertEquals(Status.Code.ABORTED, e.getStatus().getCode());
    }
}
