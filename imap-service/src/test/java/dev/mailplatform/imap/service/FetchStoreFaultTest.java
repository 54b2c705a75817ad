package dev.mailplatform.imap.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.store.v1.Account;
import dev.mailplatform.testkit.FaultProxy;
import dev.mailplatform.testkit.StoreServiceProcess;
import dev.mailplatform.testkit.StoreServiceResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Hardening item 7: when the store fails in the middle of a FETCH literal, the client never gets invented bytes in
 * its place. The connection to the store goes through a proxy that the test cuts while the client is reading.
 */
@QuarkusTest
@TestProfile(FetchStoreFaultTest.ThroughProxy.class)
class FetchStoreFaultTest extends ImapTestBase {

    static FaultProxy proxy;

    public static class ThroughProxy implements QuarkusTestProfile {
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
                    "mail.imap.store-call-timeout", "4s",
                    "mail.imap.output-stall-timeout", "3s");
        }
    }

    @Test
    void aLiteralTheStoreCannotFinishIsNeverPaddedTheConnectionCloses() throws Exception {
        Account a = newAccount();
        int size = 20 * 1024 * 1024;
        appendOfSize(a, size);
        try (Socket s = fetching(a, "")) {
            InputStream in = s.getInputStream();
            String header = literalHeader(in);
            Matcher m = Pattern.compile("\\{(\\d+)\\}$").matcher(header);
            assertTrue(m.find(), header);
            long announced = Long.parseLong(m.group(1));
            assertEquals(size, announced);

            byte[] buf = new byte[65536];
            long read = 0;
            while (read < 1024 * 1024) {
                read += in.read(buf, 0, (int) Math.min(buf.length, 1024 * 1024 - read));
            }
            // The client stops reading; the front end stops pulling from the store; then the store's link breaks.
            Thread.sleep(500);
            proxy.cut();
            ByteArrayOutputStream rest = new ByteArrayOutputStream();
            int n;
            boolean nul = false;
            try {
                while ((n = in.read(buf)) >= 0) {
                    for (int i = 0; i < n && read + i < announced; i++) {
                        nul |= buf[i] == 0;
                    }
                    read += n;
                    if (rest.size() < 4096) {
                        rest.write(buf, 0, Math.min(n, 4096));
                    }
                }
            } catch (IOException e) {
                // a reset is a close too
            }
            assertTrue(!nul, "the literal was padded with NUL bytes");
            assertTrue(read < announced, "the literal was completed (" + read + " of " + announced
                    + " bytes) although the store failed in its middle");
        }
    }

    /**
     * Content streams are pulled, not pushed (issue 17, one flow-control approach for both front ends): a client
     * that stops reading a large literal stops the front end's reads from the store, so the front end holds a
     * bounded part of the message. The Mutiny stub's stream, used before, asked the store for everything at once.
     */
    @Test
    void aClientThatStopsReadingStopsThePullFromTheStore() throws Exception {
        Account a = newAccount();
        int size = 40 * 1024 * 1024;
        appendOfSize(a, size);
        long atStart = proxy.bytesFromTarget();
        try (Socket s = fetching(a, "")) {
            InputStream in = s.getInputStream();
            literalHeader(in);
            byte[] buf = new byte[65536];
            long read = 0;
            while (read < 1024 * 1024) {
                read += in.read(buf, 0, (int) Math.min(buf.length, 1024 * 1024 - read));
            }
            // The client stops reading. Within the output-stall timeout (3 s here) the pull must come to rest:
            // sampled every 100 ms until it grew by less than 1 MiB over the last 500 ms.
            long stopped = System.nanoTime();
            List<Long> samples = new ArrayList<>();
            long pulledLater;
            while (true) {
                samples.add(proxy.bytesFromTarget() - atStart);
                pulledLater = samples.get(samples.size() - 1);
                if (samples.size() > 5 && pulledLater - samples.get(samples.size() - 6) < 1024 * 1024) {
                    break;
                }
                assertTrue(System.nanoTime() - stopped < 2_500_000_000L, "the pull went on: " + samples);
                Thread.sleep(100);
            }
            System.out.printf("client read 1 MiB of %d MiB and stopped: the front end pulled %.1f MiB from the store,"
                    + " at rest after %d ms%n", size >> 20, pulledLater / 1048576.0,
                    (System.nanoTime() - stopped) / 1_000_000);
            assertTrue(pulledLater < size / 4, "the front end pulled " + pulledLater + " of " + size
                    + " bytes for a client that read 1 MiB");
        }
    }

    /** Hardening item 6: a store that stops answering costs a command its deadline, not the session. */
    @Test
    void aHungStoreCallEndsAtItsDeadlineAndTheSessionGoesOn() throws Exception {
        Account a = newAccount();
        try (ImapClient c = login(a)) {
            c.ok("SELECT INBOX");
            proxy.stall();
            long start = System.nanoTime();
            List<String> status;
            try {
                status = c.command("STATUS INBOX (MESSAGES)");
            } finally {
                proxy.resume();
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            String last = status.get(status.size() - 1);
            assertTrue(last.contains(" NO [UNAVAILABLE]"), status.toString());
            assertTrue(ms >= 3900 && ms < 14_000, "answered after " + ms + " ms");
            // The link is back: the next command works on the same session.
            assertTrue(c.command("STATUS INBOX (MESSAGES)").get(0).startsWith("* STATUS INBOX"));
        }
    }

    /** Hardening item 6: a client that stops reading is closed once its output has not drained for a while. */
    @Test
    void aClientThatStopsReadingIsClosedAfterTheOutputStallTimeout() throws Exception {
        Account a = newAccount();
        int size = 8 * 1024 * 1024;
        appendMessage(a, "stall", size, 'x');
        try (Socket s = fetching(a, "")) {
            InputStream in = s.getInputStream();
            Thread.sleep(6000); // reads nothing for twice the test's stall timeout
            long read = 0;
            byte[] buf = new byte[65536];
            int n;
            try {
                while ((n = in.read(buf)) >= 0) {
                    read += n;
                }
            } catch (IOException e) {
                // a reset is a close too
            }
            assertTrue(read < size, "the whole message arrived (" + read + " bytes): the connection was not closed");
        }
    }

    /** The output-stall timeout is about no progress at all: a slow reader that keeps reading gets everything. */
    @Test
    void aSlowReaderThatKeepsReadingGetsTheWholeMessage() throws Exception {
        Account a = newAccount();
        int size = 4 * 1024 * 1024;
        String body = appendMessage(a, "slow", size, 'y');
        try (Socket s = fetching(a, "c NOOP\r\n")) {
            InputStream in = s.getInputStream();
            String header;
            do {
                header = line(in);
            } while (!header.startsWith("* 1 FETCH"));
            long start = System.nanoTime();
            long read = 0;
            byte[] buf = new byte[128 * 1024];
            while (read < body.length()) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, body.length() - read));
                assertTrue(n > 0, "connection closed after " + read + " bytes");
                read += n;
                Thread.sleep(150); // under 1 MB/s: the transfer takes longer than the 3 s stall timeout
            }
            assertTrue(System.nanoTime() - start > 3_000_000_000L, "the transfer outlasted the stall timeout");
            String tagged;
            do {
                tagged = line(in);
            } while (!tagged.startsWith("c "));
            assertEquals("c OK NOOP completed", tagged);
        }
    }

    /** Appends a message of {@code size} body bytes of {@code fill}; returns it. */
    private String appendMessage(Account a, String subject, int size, char fill) throws IOException {
        String body = "Subject: " + subject + "\r\n\r\n" + String.valueOf(fill).repeat(size);
        try (ImapClient c = login(a)) {
            c.ok("APPEND INBOX {" + body.length() + "+}\r\n" + body);
        }
        return body;
    }

    /**
     * A raw connection with a small receive buffer that has sent LOGIN, SELECT INBOX and a FETCH of message 1 whole,
     * then {@code more}; the caller reads (or does not) at its own pace.
     */
    private static Socket fetching(Account a, String more) throws IOException {
        // The buffer is set after the connect on purpose. The stall timeout can only see the front end's own write
        // queue; behind it the kernel's send buffer autotunes up to net.ipv4.tcp_wmem's maximum (4 MiB by default),
        // and the socket becomes writable again only when a third of that is free. A client that offers a 32 KiB
        // window from the start reads 4 MiB at about 400 KB/s here, so the last bytes wait over 3 s for the kernel
        // to take them and the test's 3 s stall timeout closes it (at the default 120 s: a client slower than about
        // 11 KB/s).
        Socket s = new Socket("127.0.0.1", PORT);
        s.setReceiveBufferSize(32 * 1024);
        s.setSoTimeout(20_000);
        s.getOutputStream().write(("a LOGIN " + a.getAddress() + " " + PASSWORD + "\r\na SELECT INBOX\r\n"
                + "b UID FETCH 1 BODY.PEEK[]\r\n" + more).getBytes(StandardCharsets.US_ASCII));
        return s;
    }

    /** Reads up to the response line that announces the literal of message 1, and returns it. */
    private static String literalHeader(InputStream in) throws IOException {
        String header;
        do {
            header = line(in);
        } while (!header.startsWith("* 1 FETCH"));
        return header;
    }

    /** APPENDs one message of exactly {@code size} bytes to the account's INBOX. */
    private void appendOfSize(Account a, int size) throws Exception {
        StringBuilder body = new StringBuilder(size + 100).append("Subject: big\r\n\r\n");
        while (body.length() < size) {
            body.append("0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz012345\r\n");
        }
        body.setLength(size);
        try (ImapClient c = login(a)) {
            c.ok("APPEND INBOX {" + size + "+}\r\n" + body);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            b.write(c);
        }
        if (c < 0 && b.size() == 0) {
            throw new IOException("connection closed");
        }
        return b.toString(StandardCharsets.ISO_8859_1).trim();
    }
}
