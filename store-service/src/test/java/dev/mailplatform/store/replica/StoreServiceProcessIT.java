package dev.mailplatform.store.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.store.v1.AccountServiceGrpc;
import dev.mailplatform.store.v1.AuthResult;
import dev.mailplatform.store.v1.AuthenticateRequest;
import dev.mailplatform.testkit.StoreServiceProcess;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * testkit's StoreServiceProcess, as the front ends will use it, against the store just packaged: it starts, serves
 * health on its HTTP port and gRPC on its own, applies seed accounts from its environment, and stops.
 */
class StoreServiceProcessIT {

    @Test
    void startsThePackagedStoreWithSeedAccountsAndStopsIt() throws Exception {
        Path seed = Files.createDirectories(Path.of("target", "tmp")).resolve("seed-" + System.nanoTime() + ".txt");
        Files.writeString(seed, "# test\nseeded@it.example.test:seeded-password-1\n", StandardCharsets.UTF_8);
        StoreServiceProcess store = StoreServiceProcess.start(Map.of("MAIL_SEED_ACCOUNTS",
                seed.toAbsolutePath().toString()));
        try {
            assertEquals("127.0.0.1", store.host());
            assertNotEquals(store.port(), store.httpPort(), "gRPC has a port of its own");
            HttpResponse<String> ready = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(store.baseUrl() + "/q/health/ready"))
                            .timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ready.statusCode(), ready.body());
            assertTrue(ready.body().contains("change-listener"), ready.body());
            ManagedChannel ch = NettyChannelBuilder.forAddress(store.host(), store.port()).usePlaintext().build();
            try {
                assertEquals(AuthResult.AUTH_OK, AccountServiceGrpc.newBlockingStub(ch).authenticate(
                        AuthenticateRequest.newBuilder().setUsername("seeded@it.example.test")
                                .setPassword("seeded-password-1").setRemoteIp("127.0.0.1").build()).getResult());
            } finally {
                ch.shutdownNow();
            }
        } finally {
            store.close();
        }
        String log = Files.readString(store.logFile());
        assertTrue(log.contains("seed accounts: 1 created"), log);
        assertTrue(!log.contains("seeded-password-1"), "the log never holds a password");
    }
}
