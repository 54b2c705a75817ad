package dev.mailplatform.lmtp.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.UpdateAccountRequest;
import dev.mailplatform.testkit.FaultProxy;
import dev.mailplatform.testkit.StoreServiceProcess;
import dev.mailplatform.testkit.StoreServiceResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the MTA sees at the edges: a network that is not allowed, over quota as a temporary failure, and the store
 * unreachable (its link through a proxy the test stalls and cuts): 451 4.3.0, so the MTA retries and nothing is lost.
 */
@QuarkusTest
@QuarkusTestResource(StoreServiceResource.class)
@TestProfile(LmtpEdgeTest.Edges.class)
class LmtpEdgeTest {

    static FaultProxy proxy;
    /** Loopback, but outside the allowed network of this profile (127.0.0.2 only). */
    static final String ALLOWED_SOURCE = "127.0.0.2";

    public static class Edges implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                if (proxy == null) {
                    proxy = FaultProxy.start(() -> {
                        StoreServiceProcess s = StoreServiceResource.current();
                        return new InetSocketAddress(s.host(), s.port());
                    });
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return Map.of("quarkus.grpc.clients.store.port", String.valueOf(proxy.port()),
                    "quarkus.grpc.clients.store.test-port", String.valueOf(proxy.port()),
                    "mail.lmtp.allowed-networks", ALLOWED_SOURCE + "/32",
                    "mail.lmtp.quota-full-tempfail", "true",
                    "mail.lmtp.store-call-timeout", "3s");
        }
    }

    @ConfigProperty(name = "mail.store.host")
    String storeHost;
    @ConfigProperty(name = "mail.store.port")
    int storePort;

    StoreFixture store;

    @BeforeEach
    void open() {
        store = new StoreFixture(storeHost, storePort);
    }

    @AfterEach
    void closeStore() {
        proxy.resume();
        store.close();
    }

    LmtpClient ready() throws IOException {
        LmtpClient c = LmtpClient.connectFrom(ALLOWED_SOURCE, LmtpServiceTest.HOST, LmtpServiceTest.PORT);
        assertTrue(c.next().startsWith("220 "));
        assertTrue(c.command("LHLO mta.example").startsWith("250 "));
        return c;
    }

    @Test
    void aClientOutsideTheAllowedNetworksGets554BeforeAnyGreeting() throws Exception {
        try (LmtpClient c = LmtpClient.connectFrom("127.0.0.1", LmtpServiceTest.HOST, LmtpServiceTest.PORT)) {
            assertTrue(c.next().startsWith("554 5.7.1"));
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void overQuotaIsATemporaryFailureWhenConfiguredSo() throws Exception {
        Account a = store.newAccount("edge-quota");
        store.accounts.updateAccount(UpdateAccountRequest.newBuilder().setId(a.getId()).setMessageLimit(1).build());
        try (LmtpClient c = ready()) {
            LmtpServiceTest.deliver(c, List.of(a.getAddress()), List.of("250"),
                    LmtpServiceTest.message("fills", "x\r\n"));
            assertTrue(c.command("MAIL FROM:<s@x.example>").startsWith("250"));
            assertTrue(c.command("RCPT TO:<" + a.getAddress() + ">").startsWith("452 4.2.2"));
        }
    }

    @Test
    void aStoreThatDoesNotAnswerAtRcptMeans451() throws Exception {
        Account a = store.newAccount("edge-stall");
        try (LmtpClient c = ready()) {
            assertTrue(c.command("MAIL FROM:<s@x.example>").startsWith("250"));
            proxy.stall();
            assertTrue(c.command("RCPT TO:<" + a.getAddress() + ">").startsWith("451 4.3.0"));
            proxy.resume();
            assertTrue(c.command("NOOP").startsWith("250"));
        }
    }

    @Test
    void aStoreLinkBrokenDuringTheDataMeans451ForEachRecipientAndNothingStored() throws Exception {
        Account a = store.newAccount("edge-cut");
        Account b = store.newAccount("edge-cut");
        try (LmtpClient c = ready()) {
            assertTrue(c.command("MAIL FROM:<s@x.example>").startsWith("250"));
            assertTrue(c.command("RCPT TO:<" + a.getAddress() + ">").startsWith("250"));
            assertTrue(c.command("RCPT TO:<" + b.getAddress() + ">").startsWith("250"));
            assertTrue(c.command("DATA").startsWith("354"));
            c.send("Subject: cut\r\n\r\n" + "before the cut\r\n".repeat(1000));
            proxy.cut();
            c.send("after the cut\r\n.\r\n");
            assertTrue(c.next().startsWith("451 4.3.0"));
            assertTrue(c.next().startsWith("451 4.3.0"));
            // The store is back for the retry, over a new link.
            List<String> retry = LmtpServiceTest.deliver(c, List.of(a.getAddress(), b.getAddress()),
                    List.of("250", "250"), LmtpServiceTest.message("retried", "ok\r\n"));
            assertTrue(retry.get(0).startsWith("250 2.0.0") && retry.get(1).startsWith("250 2.0.0"), retry.toString());
        }
        assertEquals(1, store.messages(a, "INBOX"));
        assertEquals(1, store.messages(b, "INBOX"));
    }
}
