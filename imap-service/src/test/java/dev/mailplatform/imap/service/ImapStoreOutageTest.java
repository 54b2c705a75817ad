package dev.mailplatform.imap.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With the store unreachable, commands get NO [UNAVAILABLE], never a dropped connection or a stack trace. */
@QuarkusTest
@TestProfile(ImapStoreOutageTest.StoreDown.class)
class ImapStoreOutageTest extends ImapTestBase {

    public static class StoreDown implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            int deadPort;
            try (ServerSocket s = new ServerSocket(0)) {
                deadPort = s.getLocalPort(); // closed again at once: nothing listens there
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return Map.of("quarkus.grpc.clients.store.port", String.valueOf(deadPort),
                    "quarkus.grpc.clients.store.test-port", String.valueOf(deadPort));
        }
    }

    @Test
    void loginDuringAStoreOutageIsNoUnavailableAndTheSessionGoesOn() throws Exception {
        try (ImapClient c = connect()) {
            List<String> login = c.command("LOGIN someone@example.test some-password");
            assertTrue(login.get(0).startsWith("t1 NO [UNAVAILABLE]"), login.toString());
            assertEquals("t2 OK NOOP completed", c.command("NOOP").get(0));
            assertTrue(c.command("LOGOUT").get(0).startsWith("* BYE"));
        }
    }

    /** Hardening item 15: readiness asks the store; an instance that cannot reach it takes no clients. */
    @Test
    void notReadyWhileTheStoreIsUnreachable() throws Exception {
        java.net.http.HttpResponse<String> ready = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:18091/q/health/ready"))
                        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(503, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("\"store\""), ready.body());
    }
}
