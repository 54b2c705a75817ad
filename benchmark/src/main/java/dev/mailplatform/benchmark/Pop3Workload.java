package dev.mailplatform.benchmark;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The POP3 workload. Each session: USER, PASS, STAT, UIDL, LIST, RETR of every message, QUIT (no DELE, so the
 * maildrop stays as it is). Checks: STAT, UIDL and LIST agree on the count, each RETR carries exactly the octets
 * LIST announced, and a user's count does not change from one session to the next.
 */
final class Pop3Workload {

    private final Target t;
    final Stats stats = new Stats();
    final AtomicLong consistencyErrors = new AtomicLong();
    final AtomicLong checks = new AtomicLong();
    final AtomicLong retrBytes = new AtomicLong();
    final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    private final Integer[] expected;

    Pop3Workload(Target t) {
        this.t = t;
        this.expected = new Integer[t.users() + 1];
    }

    long run() throws Exception {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(t.seconds());
        new ImapWorkload(t).runPerClient(c -> {
            List<Integer> mine = new ArrayList<>();
            for (int u = c + 1; u <= t.users(); u += t.clients()) {
                mine.add(u);
            }
            int n = 0;
            while (System.nanoTime() < deadline) {
                session(mine.get(n++ % mine.size()));
            }
            return null;
        });
        return System.nanoTime() - start;
    }

    private void session(int u) {
        String[] current = {"CONNECT"};
        try (Pop3Client pop = new Pop3Client(t.host(), t.port(), t.timeoutMillis())) {
            timed(pop, current, "USER", "USER " + t.user(u), false);
            timed(pop, current, "PASS", "PASS " + t.password(u), false);
            String stat = timed(pop, current, "STAT", "STAT", false).get(0);
            int count = Integer.parseInt(stat.split(" ")[1]);
            List<String> uidl = timed(pop, current, "UIDL", "UIDL", true);
            List<String> list = timed(pop, current, "LIST", "LIST", true);
            check(u, "UIDL lines", count, uidl.size() - 1);
            check(u, "LIST lines", count, list.size() - 1);
            if (expected[u] != null) {
                check(u, "STAT count", expected[u], count);
            }
            expected[u] = count;
            for (int i = 1; i < list.size(); i++) {
                String[] f = list.get(i).split(" ");
                current[0] = "RETR";
                long s = System.nanoTime();
                pop.send("RETR " + f[0]);
                long octets = pop.readMultiline(null);
                stats.of("RETR").add(System.nanoTime() - s);
                retrBytes.addAndGet(octets);
                check(u, "RETR " + f[0] + " octets", Integer.parseInt(f[1]), (int) octets);
            }
            timed(pop, current, "QUIT", "QUIT", false);
        } catch (IOException | RuntimeException ex) {
            stats.of(current[0]).error();
            problem("user " + u + ": " + current[0] + " failed: " + ex);
        }
    }

    private List<String> timed(Pop3Client pop, String[] current, String name, String command, boolean multiline)
            throws IOException {
        current[0] = name;
        long s = System.nanoTime();
        pop.send(command);
        List<String> lines = new ArrayList<>();
        if (multiline) {
            pop.readMultiline(lines);
        } else {
            lines.add(pop.status());
        }
        stats.of(name).add(System.nanoTime() - s);
        return lines;
    }

    private void check(int u, String what, int want, int got) {
        checks.incrementAndGet();
        if (want != got) {
            consistencyErrors.incrementAndGet();
            problem("user " + u + ": " + what + " is " + got + ", expected " + want);
        }
    }

    private void problem(String p) {
        if (problems.size() < 20) {
            problems.add(p);
        }
    }

    /** A minimal blocking POP3 client. */
    static final class Pop3Client implements Closeable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private boolean quit;

        Pop3Client(String host, int port, int timeoutMillis) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(timeoutMillis);
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            in = new BufferedInputStream(socket.getInputStream(), 65_536);
            out = new BufferedOutputStream(socket.getOutputStream(), 8_192);
            status();
        }

        void send(String command) throws IOException {
            quit |= command.equals("QUIT");
            out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        /** The "+OK ..." line; -ERR throws. */
        String status() throws IOException {
            String line = line();
            if (!line.startsWith("+OK")) {
                throw new IOException("server answered " + line);
            }
            return line;
        }

        /**
         * Status, then lines up to ".": kept in lines when given (status first), otherwise only counted. Returns
         * the octets of the content after dot-unstuffing, each line with its CRLF (what LIST announces).
         */
        long readMultiline(List<String> lines) throws IOException {
            String first = status();
            if (lines != null) {
                lines.add(first);
            }
            long octets = 0;
            while (true) {
                String l = line();
                if (l.equals(".")) {
                    return octets;
                }
                if (l.startsWith(".")) {
                    l = l.substring(1);
                }
                octets += l.getBytes(StandardCharsets.UTF_8).length + 2;
                if (lines != null) {
                    lines.add(l);
                }
            }
        }

        private String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream(128);
            int c;
            while ((c = in.read()) != -1) {
                if (c == '\n') {
                    byte[] bytes = b.toByteArray();
                    int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    return new String(bytes, 0, len, StandardCharsets.UTF_8);
                }
                b.write(c);
            }
            throw new EOFException("connection closed by the server");
        }

        @Override
        public void close() {
            try {
                if (!quit) {
                    send("QUIT");
                }
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
