package dev.mailplatform.pop3.service;

import static dev.mailplatform.testkit.ProxyProtocolClient.v1;
import static dev.mailplatform.testkit.ProxyProtocolClient.v2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.pop3.config.Pop3Config;
import dev.mailplatform.store.v1.Account;
import dev.mailplatform.testkit.ProxyProtocolClient;
import dev.mailplatform.testkit.StoreServiceResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HAProxy PROXY protocol: the test profile trusts 127.0.0.2 ({@link ProxyProtocolClient}) and loopback clients.
 * A proxied connection's client is the header's address for the per-IP limit and the loopback decision; a trusted
 * connection without a valid header gets no greeting; an untrusted one cannot claim an address. Each test uses client
 * addresses of its own, since closed connections give their slots back asynchronously.
 */
@QuarkusTest
@QuarkusTestResource(StoreServiceResource.class)
@QuarkusTestResource(TestKeystoreResource.class)
class ProxyProtocolTest {

    static final int PORT = Pop3ServiceTest.PORT;
    static final int TLS_PORT = Pop3ServiceTest.TLS_PORT;

    @ConfigProperty(name = "mail.store.host")
    String storeHost;
    @ConfigProperty(name = "mail.store.port")
    int storePort;
    @Inject
    Pop3Config config;

    StoreFixture store;

    @BeforeEach
    void open() {
        store = new StoreFixture(storeHost, storePort);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private static Pop3Client viaProxy(byte[] header) throws IOException {
        Socket s = ProxyProtocolClient.connect(PORT);
        s.getOutputStream().write(header);
        return Pop3Client.over(s);
    }

    private static List<String> capa(Pop3Client c) throws IOException {
        assertTrue(c.command("CAPA").startsWith("+OK"));
        return c.lines();
    }

    @Test
    void v1AndV2HeadersNameAClientThatMayNotSendItsPasswordInTheClear() throws Exception {
        Account a = store.newAccount("proxied");
        for (byte[] header : List.of(v1("203.0.113.7", 51234, PORT), v2("203.0.113.7", 51234, PORT),
                v2("2001:db8::7", 51234, PORT))) {
            try (Pop3Client c = viaProxy(header)) {
                assertTrue(c.greeting.startsWith("+OK"), c.greeting);
                assertFalse(capa(c).contains("USER"), "not a loopback client, whatever its proxy's address");
                assertTrue(c.command("USER " + a.getAddress()).startsWith("-ERR [AUTH]"));
            }
        }
    }

    @Test
    void aProxiedLoopbackClientMayAndItsFirstCommandMayFollowTheHeader() throws Exception {
        Account a = store.newAccount("proxied-local");
        for (byte[] header : List.of(v1("127.0.0.1", 40000, PORT), v2("::1", 40001, PORT))) {
            byte[] command = "CAPA\r\n".getBytes(StandardCharsets.US_ASCII);
            byte[] both = new byte[header.length + command.length];
            System.arraycopy(header, 0, both, 0, header.length);
            System.arraycopy(command, 0, both, header.length, command.length);
            try (Pop3Client c = viaProxy(both)) {
                assertTrue(c.greeting.startsWith("+OK"), c.greeting);
                assertTrue(c.line().startsWith("+OK"), "the pipelined CAPA");
                assertTrue(c.lines().contains("USER"));
                c.login(a.getAddress(), StoreFixture.PASSWORD);
                assertTrue(c.command("STAT").startsWith("+OK 0 "));
                assertTrue(c.command("QUIT").startsWith("+OK"), "gives the maildrop back for the next round");
            }
        }
    }

    @Test
    void thePerIpLimitCountsProxiedClientsNotTheProxy() throws Exception {
        int limit = config.maxConnectionsPerIp();
        List<Pop3Client> open = new ArrayList<>();
        try {
            for (int i = 0; i < limit; i++) {
                Pop3Client c = viaProxy(i % 2 == 0 ? v1("203.0.113.30", 50000 + i, PORT)
                        : v2("203.0.113.30", 50000 + i, PORT));
                open.add(c);
                assertTrue(c.greeting.startsWith("+OK"), "connection " + (i + 1) + ": " + c.greeting);
            }
            try (Pop3Client over = viaProxy(v1("203.0.113.30", 49999, PORT))) {
                assertTrue(over.greeting.startsWith("-ERR [SYS/TEMP] too many connections"), over.greeting);
            }
            try (Pop3Client other = viaProxy(v2("203.0.113.31", 49998, PORT))) {
                assertTrue(other.greeting.startsWith("+OK"), "another client behind the same proxy");
            }
            try (Pop3Client direct = Pop3Client.connect("127.0.0.1", PORT)) {
                assertTrue(direct.greeting.startsWith("+OK"), direct.greeting);
            }
        } finally {
            for (Pop3Client c : open) {
                c.close();
            }
        }
    }

    @Test
    void aTrustedProxyWithoutHeaderIsClosedAfterTheTimeoutWithoutGreeting() throws Exception {
        long start = System.nanoTime();
        try (Socket s = ProxyProtocolClient.connect(PORT)) {
            assertEquals("", readUntilClosed(s.getInputStream()));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= 900 && ms < 5000, "closed after " + ms + " ms; the timeout is 1 s");
        }
    }

    @Test
    void anythingButAHeaderFromATrustedProxyIsClosedAtOnceWithoutGreeting() throws Exception {
        for (String bad : List.of("CAPA\r\n", "PROXY TCP6 203.0.113.40 ::1 1 2\r\n", "\r\n\r\n\0\r\nQUIT\n\u0013")) {
            long start = System.nanoTime();
            try (Socket s = ProxyProtocolClient.connect(PORT)) {
                s.getOutputStream().write(bad.getBytes(StandardCharsets.ISO_8859_1));
                assertEquals("", readUntilClosed(s.getInputStream()));
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertTrue(ms < 900, "closed at once, not by the timeout: " + ms + " ms");
            }
        }
    }

    @Test
    void anUntrustedPeerCannotClaimAnAddress() throws Exception {
        try (Pop3Client c = Pop3Client.connect("127.0.0.1", PORT)) {
            c.sendRaw(v1("203.0.113.50", 1, PORT));
            assertEquals("-ERR unknown command", c.line());
            assertTrue(capa(c).contains("USER"), "still the loopback client it is");
        }
    }

    @Test
    void implicitTlsBehindAProxyStartsAfterTheHeaderInTheSamePacket() throws Exception {
        Account a = store.newAccount("proxied-tls");
        for (byte[] header : List.of(v1("198.51.100.9", 1, TLS_PORT), v2("198.51.100.9", 2, TLS_PORT))) {
            try (Pop3Client c = Pop3Client.over(ProxyProtocolClient.connectTls(TLS_PORT, header,
                    Pop3Client.trustAll()))) {
                assertTrue(c.greeting.startsWith("+OK"), c.greeting);
                c.login(a.getAddress(), StoreFixture.PASSWORD);
                assertTrue(c.command("QUIT").startsWith("+OK"), "gives the maildrop back for the next round");
            }
        }
    }

    /** Whatever arrives before the server closes; "" when it closes without a byte. */
    private static String readUntilClosed(InputStream in) throws IOException {
        StringBuilder got = new StringBuilder();
        try {
            int c;
            while ((c = in.read()) >= 0) {
                got.append((char) c);
            }
        } catch (java.net.SocketException reset) {
            // A reset is a close too.
        }
        return got.toString();
    }
}
