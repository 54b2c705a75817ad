package dev.mailplatform.imap.service;

import static dev.mailplatform.testkit.ProxyProtocolClient.v1;
import static dev.mailplatform.testkit.ProxyProtocolClient.v2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.imap.session.SessionServices;
import dev.mailplatform.store.v1.Account;
import dev.mailplatform.testkit.ProxyProtocolClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The HAProxy PROXY protocol: the test profile trusts 127.0.0.2 ({@link ProxyProtocolClient}) and allows plaintext
 * passwords on loopback. A proxied connection's client is the header's address for the per-IP limit and the loopback
 * decision; a trusted connection without a valid header gets no greeting; an untrusted one cannot claim an address.
 * Each test uses client addresses of its own, since closed connections give their slots back asynchronously.
 */
@QuarkusTest
class ProxyProtocolTest extends ImapTestBase {

    @Inject
    SessionServices sessions;

    private ImapClient viaProxy(int port, byte[] header) throws IOException {
        Socket s = ProxyProtocolClient.connect(port);
        s.getOutputStream().write(header);
        return ImapClient.over(s);
    }

    @Test
    void v1AndV2HeadersNameTheClientForLimitsAndThePlaintextDecision() throws Exception {
        Account a = newAccount();
        for (byte[] header : List.of(v1("203.0.113.7", 51234, PORT), v2("203.0.113.7", 51234, PORT))) {
            try (ImapClient c = viaProxy(PORT, header)) {
                String greeting = c.readLine();
                assertTrue(greeting.startsWith("* OK") && greeting.contains("LOGINDISABLED"), greeting);
                assertEquals(1, sessions.limits().connectionsFrom("203.0.113.7"));
                assertEquals(0, sessions.limits().connectionsFrom(ProxyProtocolClient.PROXY_IP));
                assertTrue(c.command("LOGIN " + a.getAddress() + " " + PASSWORD).get(0)
                        .contains("NO [PRIVACYREQUIRED]"), "not a loopback client, whatever its proxy's address");
            }
            awaitNoConnectionsFrom("203.0.113.7");
        }
    }

    @Test
    void aProxiedLoopbackClientMaySendItsPasswordInTheClear() throws Exception {
        Account a = newAccount();
        for (byte[] header : List.of(v1("127.0.0.1", 40000, PORT), v2("::1", 40001, PORT))) {
            try (ImapClient c = viaProxy(PORT, header)) {
                String greeting = c.readLine();
                assertTrue(greeting.contains("AUTH=PLAIN") && !greeting.contains("LOGINDISABLED"), greeting);
                c.ok("LOGIN " + a.getAddress() + " " + PASSWORD);
            }
        }
    }

    @Test
    void aCommandPipelinedBehindTheHeaderIsServed() throws Exception {
        byte[] header = v2("203.0.113.21", 51000, PORT);
        byte[] command = "a1 NOOP\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] both = new byte[header.length + command.length];
        System.arraycopy(header, 0, both, 0, header.length);
        System.arraycopy(command, 0, both, header.length, command.length);
        try (ImapClient c = viaProxy(PORT, both)) {
            assertTrue(c.readLine().startsWith("* OK"));
            String reply = c.readLine();
            assertTrue(reply.startsWith("a1 OK"), reply);
            assertEquals(1, sessions.limits().connectionsFrom("203.0.113.21"));
        }
    }

    @Test
    void aLocalHeaderKeepsTheProxysOwnAddress() throws Exception {
        try (ImapClient c = viaProxy(PORT, ProxyProtocolClient.v2Local())) {
            String greeting = c.readLine();
            assertTrue(greeting.startsWith("* OK") && greeting.contains("AUTH=PLAIN"), greeting);
            assertEquals(1, sessions.limits().connectionsFrom(ProxyProtocolClient.PROXY_IP));
        }
    }

    @Test
    void thePerIpLimitCountsProxiedClientsNotTheProxy() throws Exception {
        int limit = sessions.config().maxConnectionsPerIp();
        List<ImapClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < limit; i++) {
                ImapClient c = viaProxy(PORT, i % 2 == 0 ? v1("203.0.113.30", 50000 + i, PORT)
                        : v2("203.0.113.30", 50000 + i, PORT));
                open.add(c);
                assertTrue(c.readLine().startsWith("* OK"), "connection " + (i + 1));
            }
            try (ImapClient over = viaProxy(PORT, v1("203.0.113.30", 49999, PORT))) {
                String line = over.readLine();
                assertNotNull(line);
                assertTrue(line.startsWith("* BYE [LIMIT]"), line);
            }
            try (ImapClient other = viaProxy(PORT, v2("203.0.113.31", 49998, PORT))) {
                assertTrue(other.readLine().startsWith("* OK"), "another client behind the same proxy");
            }
            try (ImapClient direct = connect()) {
                assertTrue(direct.command("NOOP").get(0).contains("OK"));
            }
            assertEquals(limit, sessions.limits().connectionsFrom("203.0.113.30"));
        } finally {
            for (ImapClient c : open) {
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
        byte[] overLimit = v2("203.0.113.40", 1, PORT);
        overLimit[14] = 0x10; // 4096 + some bytes of addresses and TLVs
        for (byte[] bad : List.of("a1 CAPABILITY\r\n".getBytes(StandardCharsets.US_ASCII),
                "PROXY TCP4 203.0.113.40 nowhere 1 2\r\n".getBytes(StandardCharsets.US_ASCII),
                ("PROXY UNKNOWN " + "x".repeat(120)).getBytes(StandardCharsets.US_ASCII), overLimit)) {
            long start = System.nanoTime();
            try (Socket s = ProxyProtocolClient.connect(PORT)) {
                s.getOutputStream().write(bad);
                assertEquals("", readUntilClosed(s.getInputStream()));
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertTrue(ms < 900, "closed at once, not by the timeout: " + ms + " ms");
            }
        }
        assertEquals(0, sessions.limits().connectionsFrom("203.0.113.40"));
    }

    @Test
    void anUntrustedPeerCannotClaimAnAddress() throws Exception {
        Account a = newAccount();
        try (ImapClient c = connect()) {
            c.write(v1("203.0.113.50", 1, PORT));
            String reply = c.readLine();
            assertTrue(reply.startsWith("PROXY BAD"), "a bad command, nothing else: " + reply);
            assertEquals(0, sessions.limits().connectionsFrom("203.0.113.50"));
            c.ok("LOGIN " + a.getAddress() + " " + PASSWORD);
        }
    }

    @Test
    void implicitTlsBehindAProxyStartsAfterTheHeaderInTheSamePacket() throws Exception {
        Account a = newAccount();
        for (byte[] header : List.of(v1("198.51.100.9", 1, TLS_PORT), v2("198.51.100.9", 2, TLS_PORT))) {
            try (ImapClient c = ImapClient.over(ProxyProtocolClient.connectTls(TLS_PORT, header,
                    ImapClient.trustAll()))) {
                String greeting = c.readLine();
                assertTrue(greeting.startsWith("* OK") && greeting.contains("AUTH=PLAIN"), greeting);
                assertEquals(1, sessions.limits().connectionsFrom("198.51.100.9"));
                c.ok("LOGIN " + a.getAddress() + " " + PASSWORD);
            }
            awaitNoConnectionsFrom("198.51.100.9");
        }
        try (ImapClient direct = ImapClient.tls(TLS_PORT)) {
            assertTrue(direct.readLine().startsWith("* OK"), "an untrusted client still gets IMAPS");
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

    private void awaitNoConnectionsFrom(String ip) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (sessions.limits().connectionsFrom(ip) > 0) {
            assertFalse(System.nanoTime() > deadline, "the slot of " + ip + " was not given back");
            Thread.sleep(10); // polling interval
        }
    }
}
