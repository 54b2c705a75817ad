package dev.mailplatform.store.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.AppendHeader;
import dev.mailplatform.store.v1.FetchContentRequest;
import dev.mailplatform.store.v1.FetchContentResponse;
import dev.mailplatform.store.v1.MessageServiceGrpc;
import dev.mailplatform.store.v1.Section;
import dev.mailplatform.store.v1.SectionKind;
import dev.mailplatform.testkit.TestCertificates;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The store's transport as the front ends see it: gRPC on its own port, where one cancelled stream leaves the other
 * calls of the connection alone, and health and metrics on the HTTP port.
 */
@QuarkusTest
class TransportContractTest extends StoreContract {

    /**
     * A POP3 or IMAP session that goes away mid-RETR cancels its stream while the store is still sending. On the
     * unified Vert.x server (quarkusio/quarkus#56268) the late responses tore down the whole HTTP/2 connection, and
     * with it every other session's calls on that channel: UNAVAILABLE "Network closed for unknown reason".
     */
    @Test
    void aCancelledStreamLeavesTheRestOfTheConnectionWorking() throws Exception {
        Account a = newAccount();
        byte[] big = TestMessages.withAttachment("big", "the rest is attachment", 800 * 1024, 7);
        assertTrue(big.length >= 1024 * 1024, "the message spans many chunks: " + big.length);
        int uid = append(a, "INBOX", big).getUid();
        FetchContentRequest request = FetchContentRequest.newBuilder().setMailbox(ref(a, "INBOX")).setUid(uid)
                .setSection(Section.newBuilder().setKind(SectionKind.SECTION_FULL)).build();

        int port = ConfigProvider.getConfig().getValue("quarkus.grpc.clients.store.port", Integer.class);
        ManagedChannel channel = TestCertificates.channel("127.0.0.1", port).build();
        try {
            for (int round = 1; round <= 3; round++) {
                double sentBefore = contentBytes();
                OneAtATime fetch = OneAtATime.start(channel, request, r -> {
                });
                fetch.firstResponse().get(30, TimeUnit.SECONDS);
                // The client goes away only once the server has read well past the one response it took, so the
                // cancel meets a stream the server is still busy with.
                awaitContentBytes(sentBefore + big.length / 2);
                fetch.call().cancel("the session went away", null);
                assertEquals(Status.Code.CANCELLED, fetch.ended().get(30, TimeUnit.SECONDS).getCode(),
                        "round " + round);

                Iterator<FetchContentResponse> next = MessageServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(60, TimeUnit.SECONDS).fetchContent(request);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                next.forEachRemaining(r -> out.writeBytes(r.getData().toByteArray()));
                assertArrayEquals(big, out.toByteArray(), "round " + round);
            }
        } finally {
            channel.shutdownNow();
        }
    }

    /**
     * Quarkus's Mutiny stubs ask a response stream for everything at once; the store must still not read a message
     * faster than its client takes it, or every slow IMAP or POP3 reader of a large message would hold all of it in
     * the store's memory. A client that took one response has the store stop at its HTTP/2 window (1 MiB here).
     */
    @Test
    void aSlowReaderHoldsTheStoreToItsFlowControlWindow() throws Exception {
        Account a = newAccount();
        byte[] big = TestMessages.withAttachment("slow", "read slowly", 3_400_000, 13);
        assertTrue(big.length > 4 * 1024 * 1024, "size " + big.length);
        int uid = append(AppendHeader.newBuilder().setMailbox(ref(a, "INBOX")).setDeclaredSize(big.length).build(), big,
                256 * 1024).getUid();
        FetchContentRequest request = FetchContentRequest.newBuilder().setMailbox(ref(a, "INBOX")).setUid(uid)
                .setSection(Section.newBuilder().setKind(SectionKind.SECTION_FULL)).build();
        int port = ConfigProvider.getConfig().getValue("quarkus.grpc.clients.store.port", Integer.class);
        ManagedChannel channel = TestCertificates.channel("127.0.0.1", port)
                .flowControlWindow(1024 * 1024).build();
        try {
            double before = contentBytes();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            OneAtATime fetch = OneAtATime.start(channel, request, r -> received.writeBytes(r.getData().toByteArray()));
            double read = awaitContentBytesSettle() - before;
            assertTrue(read > 0 && read < 2.5 * 1024 * 1024,
                    "with one response taken the store read " + read + " of " + big.length + " bytes");
            fetch.call().request(Integer.MAX_VALUE);
            assertEquals(Status.Code.OK, fetch.ended().get(60, TimeUnit.SECONDS).getCode());
            assertArrayEquals(big, received.toByteArray(), "the paced stream still brings every byte");
        } finally {
            channel.shutdownNow();
        }
    }

    /** Waits until the store has read nothing more for a second (at most 15 s), and returns its count then. */
    double awaitContentBytesSettle() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        double last = contentBytes();
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            Thread.sleep(50); // polling interval
            double now = contentBytes();
            if (now != last) {
                last = now;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince > TimeUnit.SECONDS.toNanos(1)) {
                break;
            }
        }
        return last;
    }

    /** A FetchContent that asks for one response, as a front end whose client stopped reading; more on request. */
    record OneAtATime(ClientCallStreamObserver<FetchContentRequest> call,
            CompletableFuture<FetchContentResponse> firstResponse, CompletableFuture<Status> ended) {

        static OneAtATime start(ManagedChannel channel, FetchContentRequest request,
                Consumer<FetchContentResponse> each) {
            CompletableFuture<ClientCallStreamObserver<FetchContentRequest>> started = new CompletableFuture<>();
            CompletableFuture<FetchContentResponse> first = new CompletableFuture<>();
            CompletableFuture<Status> ended = new CompletableFuture<>();
            MessageServiceGrpc.newStub(channel).fetchContent(request,
                    new ClientResponseObserver<FetchContentRequest, FetchContentResponse>() {
                        @Override
                        public void beforeStart(ClientCallStreamObserver<FetchContentRequest> call) {
                            call.disableAutoRequestWithInitial(1);
                            started.complete(call);
                        }

                        @Override
                        public void onNext(FetchContentResponse value) {
                            each.accept(value);
                            first.complete(value);
                        }

                        @Override
                        public void onError(Throwable t) {
                            ended.complete(Status.fromThrowable(t));
                        }

                        @Override
                        public void onCompleted() {
                            ended.complete(Status.OK);
                        }
                    });
            // beforeStart runs inside fetchContent(), so the call is there.
            return new OneAtATime(started.join(), first, ended);
        }
    }

    @Inject
    MeterRegistry registry;

    /** Message bytes the store has read for content streams so far (it counts each chunk as it produces it). */
    double contentBytes() {
        return registry.counter("mail.store.content.bytes").count();
    }

    void awaitContentBytes(double atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (contentBytes() < atLeast) {
            assertTrue(System.nanoTime() < deadline, "the store read " + contentBytes() + " of " + atLeast + " bytes");
            Thread.sleep(10); // polling interval
        }
    }

    /** grpc-java refuses messages over 4 MiB unless told otherwise, and a front end may send a message in one chunk. */
    @Test
    void theServerTakesMessagesUpToItsInboundLimit() {
        Account a = newAccount();
        byte[] big = TestMessages.withAttachment("one chunk", "sent whole", 3_400_000, 11);
        long maxMessageSize = ConfigProvider.getConfig().getValue("mail.store.max-message-size", Long.class);
        assertTrue(big.length > 4 * 1024 * 1024 && big.length < maxMessageSize, "size " + big.length);
        int uid = append(AppendHeader.newBuilder().setMailbox(ref(a, "INBOX")).setDeclaredSize(big.length).build(), big,
                big.length).getUid();
        assertArrayEquals(big, fetchAll(a, "INBOX", uid));
    }

    @Test
    void healthAndMetricsAreOnTheHttpPortAndCoverTheGrpcServer() throws Exception {
        Account a = newAccount();
        int uid = append(a, "INBOX", TestMessages.simple("metrics", "counted")).getUid();
        assertArrayEquals(TestMessages.simple("metrics", "counted"), fetchAll(a, "INBOX", uid));

        int httpPort = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        int grpcPort = ConfigProvider.getConfig().getValue("quarkus.grpc.clients.store.port", Integer.class);
        assertTrue(httpPort != grpcPort, "gRPC has a port of its own");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort + "/q/health/ready")).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("gRPC Server"), ready.body());
        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics.contains("grpc_server_processing_duration_seconds_count{")
                && metrics.contains("method=\"FetchContent\""), metrics);
    }
}
