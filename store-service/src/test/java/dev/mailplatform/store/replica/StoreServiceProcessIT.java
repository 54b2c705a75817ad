package dev.mailplatform.store.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.store.v1.AccountServiceGrpc;
import dev.mailplatform.store.v1.AuthResult;
import dev.mailplatform.store.v1.AuthenticateRequest;
import dev.mailplatform.store.v1.AuthenticateResponse;
import dev.mailplatform.store.v1.MailboxRef;
import dev.mailplatform.store.v1.OpenMaildropRequest;
import dev.mailplatform.store.v1.OpenMaildropResponse;
import dev.mailplatform.store.v1.Pop3ServiceGrpc;
import dev.mailplatform.testkit.StoreServiceProcess;
import dev.mailplatform.testkit.StoreTestClient;
import dev.mailplatform.testkit.TestCertificates;
import io.grpc.ManagedChannel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * testkit's StoreServiceProcess, as the front ends will use it, against the store just packaged: it starts, serves
 * health on its HTTP port and gRPC on its own, applies seed accounts and settings from its environment, and stops.
 */
class StoreServiceProcessIT {

    /** Hardening item 15: a bad seed line stops the store with one line naming the file, line and rule. */
    @Test
    void aBadSeedLineStopsTheStoreWithOneLineNamingTheRule() throws Exception {
        Path seed = Files.createDirectories(Path.of("target", "tmp")).resolve("bad-seed-" + System.nanoTime() + ".txt");
        Files.writeString(seed, "fine@it.example.test:fine-password-1\nshort@it.example.test:pw\n",
                StandardCharsets.UTF_8);
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> StoreServiceProcess.start(Map.of("MAIL_SEED_ACCOUNTS", seed.toAbsolutePath().toString())).close());
        java.util.regex.Matcher file = java.util.regex.Pattern.compile("Last lines of (\\S+):").matcher(e.getMessage());
        assertTrue(file.find(), e.getMessage());
        List<String> errors = Files.readAllLines(Path.of(file.group(1))).stream()
                .filter(l -> l.contains("ERROR [dev.mailplatform")).toList();
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).endsWith(seed.getFileName() + ":2: password must have at least 8 characters"),
                errors.get(0));
        assertTrue(Files.readAllLines(Path.of(file.group(1))).stream().noneMatch(l -> l.contains("at dev.mailplatform")),
                "a stack trace through the store's code");
    }

    /**
     * Security by default: without mutual-TLS material the gRPC API serves plaintext on loopback only. Asked to bind
     * elsewhere, the store stops with one line that says what to set. (192.0.2.1 is a documentation address that no
     * interface has: were the check missing, the bind would fail too, with another message.)
     */
    @Test
    void withoutTlsMaterialTheStoreRefusesToListenBeyondLoopback() throws Exception {
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> StoreServiceProcess.start(Map.of("MAIL_STORE_BIND", "192.0.2.1", "MAIL_STORE_TLS_CA", "",
                        "MAIL_STORE_TLS_CERTIFICATE", "", "MAIL_STORE_TLS_PRIVATE_KEY", "")).close());
        java.util.regex.Matcher file = java.util.regex.Pattern.compile("Last lines of (\\S+):").matcher(e.getMessage());
        assertTrue(file.find(), e.getMessage());
        List<String> log = Files.readAllLines(Path.of(file.group(1)));
        List<String> errors = log.stream().filter(l -> l.contains("ERROR")).toList();
        assertEquals(1, errors.size(), String.join("\n", log));
        assertTrue(errors.get(0).contains("the store's gRPC API would listen on 192.0.2.1 in plaintext"), errors.get(0));
        assertTrue(log.stream().noneMatch(l -> l.contains("at dev.mailplatform") || l.contains("at io.")),
                "a stack trace");
    }

    @Test
    void startsThePackagedStoreWithSeedAccountsAndStopsIt() throws Exception {
        Path seed = Files.createDirectories(Path.of("target", "tmp")).resolve("seed-" + System.nanoTime() + ".txt");
        Files.writeString(seed, "# test\nseeded@it.example.test:seeded-password-1\n", StandardCharsets.UTF_8);
        // Batches of two, so that a five-message maildrop takes the paged path of OpenMaildrop.
        StoreServiceProcess store = StoreServiceProcess.start(Map.of("MAIL_SEED_ACCOUNTS",
                seed.toAbsolutePath().toString(), "MAIL_STORE_STREAM_BATCH_SIZE", "2"));
        try {
            assertEquals("127.0.0.1", store.host());
            assertNotEquals(store.port(), store.httpPort(), "gRPC has a port of its own");
            HttpResponse<String> ready = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(store.baseUrl() + "/q/health/ready"))
                            .timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ready.statusCode(), ready.body());
            assertTrue(ready.body().contains("change-listener"), ready.body());
            ManagedChannel ch = TestCertificates.channel(store.host(), store.port()).build();
            try {
                AuthenticateResponse auth = AccountServiceGrpc.newBlockingStub(ch).authenticate(
                        AuthenticateRequest.newBuilder().setUsername("seeded@it.example.test")
                                .setPassword("seeded-password-1").setRemoteIp("127.0.0.1").build());
                assertEquals(AuthResult.AUTH_OK, auth.getResult());
                maildropSnapshotComesInPages(ch, auth.getAccount().getId());
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

    /** The first page comes with the lease, the rest from the pages after it: every UID once, in order. */
    private static void maildropSnapshotComesInPages(ManagedChannel ch, long accountId) throws Exception {
        for (int i = 1; i <= 5; i++) {
            byte[] m = ("Subject: page " + i + "\r\n\r\nbody " + i + "\r\n").getBytes(StandardCharsets.US_ASCII);
            assertEquals(i, StoreTestClient.append(ch, MailboxRef.newBuilder().setAccountId(accountId)
                    .setMailbox("INBOX").build(), m).getUid());
        }
        List<OpenMaildropResponse> parts = new ArrayList<>();
        Pop3ServiceGrpc.newBlockingStub(ch).openMaildrop(OpenMaildropRequest.newBuilder().setAccountId(accountId)
                .setOwner("it").build()).forEachRemaining(parts::add);
        assertTrue(parts.get(0).hasHeader());
        assertEquals(5, parts.get(0).getHeader().getMessages());
        List<Integer> uids = new ArrayList<>();
        List<Integer> batchSizes = new ArrayList<>();
        for (OpenMaildropResponse p : parts.subList(1, parts.size())) {
            batchSizes.add(p.getBatch().getEntriesCount());
            p.getBatch().getEntriesList().forEach(e -> uids.add(e.getUid()));
        }
        assertEquals(List.of(1, 2, 3, 4, 5), uids);
        assertEquals(List.of(2, 2, 1), batchSizes);
    }
}
