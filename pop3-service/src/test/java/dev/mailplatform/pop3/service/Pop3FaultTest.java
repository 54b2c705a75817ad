package dev.mailplatform.pop3.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mailplatform.store.v1.Account;
import dev.mailplatform.testkit.StoreServiceProcess;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The POP3 side of the fault suite: the packaged store killed with SIGKILL under a session and started again. Clients
 * get {@code -ERR [SYS/TEMP]} during the outage, never a dropped connection, and download the same bytes after it,
 * with pop3-service never restarted.
 */
@QuarkusTest
@TestProfile(Pop3FaultTest.OwnStore.class)
@QuarkusTestResource(TestKeystoreResource.class)
class Pop3FaultTest {

    static StoreServiceProcess store;

    /** A store of this test's own, which the test kills and restarts. */
    public static class OwnStore implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                if (store == null) {
                    store = StoreServiceProcess.start();
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            String port = String.valueOf(store.port());
            return Map.of("quarkus.grpc.clients.store.port", port, "quarkus.grpc.clients.store.test-port", port,
                    "mail.store.host", store.host(), "mail.store.port", port);
        }
    }

    @AfterAll
    static void stopStore() {
        if (store != null) {
            store.close();
            store = null;
        }
    }

    @Test
    void aStoreKilledUnderASessionMeansSysTempThenTheSameBytes() throws Exception {
        byte[] message;
        Account a;
        try (StoreFixture fixture = new StoreFixture(store.host(), store.port())) {
            a = fixture.newAccount("fault");
            message = StoreFixture.message("survives", "a body that must come back byte for byte\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            fixture.deliver(a, message);
        }
        try (Pop3Client c = Pop3Client.connect(Pop3ServiceTest.HOST, Pop3ServiceTest.PORT)) {
            c.login(a.getAddress(), StoreFixture.PASSWORD);
            assertTrue(c.command("STAT").startsWith("+OK 1 "));
            store.kill();
            String retr = c.command("RETR 1");
            assertTrue(retr.startsWith("-ERR [SYS/TEMP]"), retr);
            try (Pop3Client other = Pop3Client.connect(Pop3ServiceTest.HOST, Pop3ServiceTest.PORT)) {
                assertTrue(other.command("USER " + a.getAddress()).startsWith("+OK"));
                String pass = other.command("PASS " + StoreFixture.PASSWORD);
                assertTrue(pass.startsWith("-ERR [SYS/TEMP]"), pass);
            }
            c.abort(); // the session's lease lapses (6 s in the test profile) if its release cannot reach the store
        }
        store.restart();
        long deadline = System.currentTimeMillis() + 120_000;
        while (true) {
            try (Pop3Client c = Pop3Client.connect(Pop3ServiceTest.HOST, Pop3ServiceTest.PORT)) {
                assertTrue(c.command("USER " + a.getAddress()).startsWith("+OK"));
                String pass = c.command("PASS " + StoreFixture.PASSWORD);
                if (pass.startsWith("+OK")) {
                    String retr = c.command("RETR 1");
                    assertTrue(retr.startsWith("+OK"), retr);
                    assertArrayEquals(message, c.message());
                    assertTrue(c.command("QUIT").startsWith("+OK"));
                    return;
                }
                assertTrue(pass.startsWith("-ERR [SYS/TEMP]") || pass.startsWith("-ERR [IN-USE]"), pass);
            }
            if (System.currentTimeMillis() > deadline) {
                fail("the platform did not come back");
            }
            Thread.sleep(500);
        }
    }
}
