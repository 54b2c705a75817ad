package dev.mailplatform.imap.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.store.v1.Account;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every limit at its edge, with small limits so the edges are cheap to reach. Loopback is not trusted here, so
 * this also proves that plaintext passwords are refused without TLS (LOGINDISABLED) on a non-trusted connection.
 */
@QuarkusTest
@TestProfile(ImapLimitsTest.Restricted.class)
class ImapLimitsTest extends ImapTestBase {

    public static class Restricted implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    // No trusted proxy: the listeners as configured by default (Vert.x does IMAPS' handshake).
                    "mail.imap.proxy-protocol.trusted-proxies", "",
                    "mail.imap.plaintext-on-loopback", "false",
                    "mail.imap.max-line-length", "1024",
                    "mail.imap.max-literal-size", "2048",
                    "mail.imap.max-append-size", "10000",
                    "mail.imap.max-connections-per-ip", "6",
                    "mail.imap.max-connections-per-account", "2",
                    "mail.imap.max-auth-failures", "2",
                    "mail.imap.login-timeout", "2s",
                    "mail.imap.idle-timeout", "4s");
        }
    }

    private ImapClient tlsLogin(Account a) throws Exception {
        ImapClient c = ImapClient.tls(TLS_PORT);
        assertTrue(c.readLine().startsWith("* OK"));
        c.ok("LOGIN " + a.getAddress() + " " + PASSWORD);
        return c;
    }

    @Test
    void plaintextLoginIsRefusedUntilStartTls() throws Exception {
        Account a = newAccount();
        try (ImapClient c = connect()) {
            String caps = c.command("CAPABILITY").get(0);
            assertTrue(caps.contains("LOGINDISABLED") && caps.contains("STARTTLS"), caps);
            assertFalse(caps.contains("AUTH=PLAIN"), caps);
            assertTrue(c.command("LOGIN " + a.getAddress() + " " + PASSWORD).get(0).contains("NO [PRIVACYREQUIRED]"));
            assertTrue(c.command("AUTHENTICATE PLAIN " + java.util.Base64.getEncoder().encodeToString(
                    ("\0" + a.getAddress() + "\0" + PASSWORD).getBytes())).get(0).contains("NO [PRIVACYREQUIRED]"));
            assertEquals("t4 OK Begin TLS negotiation now", c.command("STARTTLS").get(0));
            c.startTls();
            String tlsCaps = c.command("CAPABILITY").get(0);
            assertTrue(tlsCaps.contains("AUTH=PLAIN") && !tlsCaps.contains("STARTTLS"), tlsCaps);
            String plain = java.util.Base64.getEncoder().encodeToString(("\0" + a.getAddress() + "\0" + PASSWORD)
                    .getBytes());
            assertTrue(c.command("AUTHENTICATE PLAIN " + plain).get(0).matches("t\\d+ OK \\[CAPABILITY .*"));
            c.ok("SELECT INBOX");
        }
        try (ImapClient c = tlsLogin(a)) {
            assertTrue(c.command("STARTTLS").get(0).contains("BAD"), "no STARTTLS after login or on TLS");
        }
    }

    @Test
    void authenticateLoginWithContinuationsAndCancel() throws Exception {
        Account a = newAccount();
        try (ImapClient c = ImapClient.tls(TLS_PORT)) {
            c.readLine();
            c.write("a1 AUTHENTICATE PLAIN\r\n");
            assertEquals("+ ", c.readLine());
            c.write("*\r\n");
            assertTrue(c.readLine().startsWith("a1 BAD"), "a * line cancels");
            c.write("a2 AUTHENTICATE LOGIN\r\n");
            assertEquals("+ VXNlcm5hbWU6", c.readLine());
            c.write(java.util.Base64.getEncoder().encodeToString(a.getAddress().getBytes()) + "\r\n");
            assertEquals("+ UGFzc3dvcmQ6", c.readLine());
            c.write(java.util.Base64.getEncoder().encodeToString(PASSWORD.getBytes()) + "\r\n");
            assertTrue(c.readLine().startsWith("a2 OK"));
        }
    }

    @Test
    void tooManyFailedLoginsEndWithBye() throws Exception {
        Account a = newAccount();
        try (ImapClient c = ImapClient.tls(TLS_PORT)) {
            c.readLine();
            assertTrue(c.command("LOGIN " + a.getAddress() + " wrong-1").get(0).contains("NO [AUTHENTICATIONFAILED]"));
            List<String> second = c.command("LOGIN " + a.getAddress() + " wrong-2");
            assertTrue(second.get(0).contains("NO [AUTHENTICATIONFAILED]"), second.toString());
            assertEquals("* BYE Too many authentication failures", c.readLine());
            assertTrue(c.isClosedByPeer());
        }
    }

    @Test
    void linesLiteralsAndAppendsOverTheLimitsAreRefusedAndTheSessionGoesOn() throws Exception {
        Account a = newAccount();
        try (ImapClient c = tlsLogin(a)) {
            List<String> longLine = c.command("LIST \"\" \"" + "x".repeat(1100) + "\"");
            assertTrue(longLine.get(0).contains("BAD") && longLine.get(0).contains("too long"), longLine.toString());
            c.write("t9 CREATE {3000}\r\n");
            String refused = c.readLine();
            assertTrue(refused.startsWith("t9 BAD") && refused.contains("literal too large"), refused);
            c.write("t10 APPEND INBOX {10001}\r\n");
            String tooBig = c.readLine();
            assertTrue(tooBig.startsWith("t10 BAD") && tooBig.contains("too large"), tooBig);
            // At the edge: exactly the limit is stored.
            StringBuilder body = new StringBuilder("Subject: edge\r\n\r\n");
            while (body.length() < 10000) {
                body.append('x');
            }
            c.ok("APPEND INBOX {10000+}\r\n" + body);
            assertEquals("* STATUS INBOX (MESSAGES 1)", c.command("STATUS INBOX (MESSAGES)").get(0));
            assertTrue(c.command("NOOP").get(0).contains("OK"), "the session goes on");
        }
    }

    @Test
    void connectionsPerIpAndSessionsPerAccountAreLimited() throws Exception {
        Account a = newAccount();
        List<ImapClient> open = new ArrayList<>();
        try {
            open.add(tlsLogin(a));
            open.add(tlsLogin(a));
            ImapClient third = ImapClient.tls(TLS_PORT);
            open.add(third);
            third.readLine();
            assertTrue(third.command("LOGIN " + a.getAddress() + " " + PASSWORD).get(0).contains("NO [LIMIT]"));
            while (open.size() < 6) {
                ImapClient c = ImapClient.tls(TLS_PORT);
                open.add(c);
                assertTrue(c.readLine().startsWith("* OK"));
            }
            try (ImapClient seventh = ImapClient.tls(TLS_PORT)) {
                String line = seventh.readLine();
                assertNotNull(line);
                assertTrue(line.startsWith("* BYE [LIMIT]"), line);
            }
        } finally {
            for (ImapClient c : open) {
                c.close();
            }
        }
        try (ImapClient again = loginOnceSlotsAreFree(a, 10_000)) {
            assertTrue(again.command("NOOP").get(0).contains("OK"), "closing gives the slots back");
        }
    }

    /**
     * Logs in as soon as the server has noticed that earlier connections closed: the closes reach it asynchronously,
     * so a refusal for a limit ({@code * BYE [LIMIT]} or {@code NO [LIMIT]}) is retried until {@code ms} have passed.
     * Any other outcome fails at once.
     */
    private ImapClient loginOnceSlotsAreFree(Account a, int ms) throws Exception {
        long deadline = System.nanoTime() + ms * 1_000_000L;
        List<String> refusals = new ArrayList<>();
        while (true) {
            ImapClient c = ImapClient.tls(TLS_PORT);
            String greeting = c.readLine();
            assertNotNull(greeting);
            String refusal = greeting;
            if (greeting.startsWith("* OK")) {
                List<String> login = c.command("LOGIN " + a.getAddress() + " " + PASSWORD);
                String reply = login.get(login.size() - 1);
                if (reply.matches("t\\d+ OK.*")) {
                    return c;
                }
                assertTrue(reply.contains("NO [LIMIT]"), login.toString());
                refusal = reply;
            } else {
                assertTrue(greeting.startsWith("* BYE [LIMIT]"), greeting);
            }
            c.close();
            refusals.add(refusal);
            assertTrue(System.nanoTime() < deadline, "slots not given back within " + ms + " ms: " + refusals);
            Thread.sleep(50); // polling interval
        }
    }

    @Test
    void anIdleAuthenticatedSessionIsLoggedOutAfterTheIdleTimeoutButActivityKeepsItAlive() throws Exception {
        Account a = newAccount();
        try (ImapClient c = tlsLogin(a)) {
            c.setTimeout(15_000);
            long start = 0;
            for (int i = 0; i < 3; i++) {
                // The pauses are the inactivity under test: together longer than the 4 s timeout, each half of it,
                // which leaves 2 s of margin for a slow round trip before the timer could fire.
                Thread.sleep(2000);
                start = System.nanoTime();
                assertTrue(c.command("NOOP").get(0).contains("OK"), "activity re-arms the timer");
            }
            // Timed from just before the last NOOP went out: the server re-armed its timer when that NOOP arrived,
            // later on the same clock (it runs in this JVM), so a slow reply cannot make an on-time logout look early.
            String bye = c.readLine();
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertNotNull(bye);
            assertTrue(bye.startsWith("* BYE Autologout"), bye);
            assertTrue(ms >= 4000, "not before the timeout: " + ms + " ms");
        }
    }

    @Test
    void anUnauthenticatedConnectionIsDroppedAfterTheLoginTimeout() throws Exception {
        // Timed from before the connect: the server's 2 s start at its accept, which comes after this, so a slow
        // greeting can neither fail the bound nor hide an early close.
        long start = System.nanoTime();
        try (ImapClient c = connect()) {
            c.setTimeout(10_000);
            String bye = c.readLine();
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertNotNull(bye);
            assertTrue(bye.startsWith("* BYE Login timeout"), bye);
            assertTrue(ms >= 1900, "not before the timeout: " + ms + " ms");
            assertTrue(c.isClosedByPeer());
        }
    }

    /** Hardening item 5: before login the timeout is absolute; commands sent meanwhile do not push it back. */
    @Test
    void commandsBeforeLoginDoNotExtendTheLoginDeadline() throws Exception {
        long start = System.nanoTime();
        try (ImapClient c = connect()) {
            c.setTimeout(10_000);
            String line = null;
            for (int i = 0; i < 20; i++) {
                Thread.sleep(400);
                c.write("n" + i + " NOOP\r\n");
                line = c.readLine();
                if (line == null || line.startsWith("* BYE")) {
                    break;
                }
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertNotNull(line);
            assertTrue(line.startsWith("* BYE Login timeout"), line);
            assertTrue(ms < 4000, "input extended the 2 s deadline to " + ms + " ms");
        }
    }
}
