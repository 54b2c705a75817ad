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

/**
 * A minimal blocking IMAP client: one command at a time, untagged responses collected with their literals inlined
 * as text (bodies are counted, not kept, past a size). Enough for the benchmark and nothing more.
 */
final class ImapClient implements Closeable {

    /** A tagged reply: its status line and the untagged lines before it. */
    record Reply(String status, List<String> untagged, long literalBytes) {
        boolean ok() {
            return status.startsWith("OK");
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private int tag;

    ImapClient(String host, int port, int timeoutMillis) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(timeoutMillis);
        socket.connect(new InetSocketAddress(host, port), timeoutMillis);
        in = new BufferedInputStream(socket.getInputStream(), 65_536);
        out = new BufferedOutputStream(socket.getOutputStream(), 65_536);
        String greeting = readLine();
        if (!greeting.startsWith("* OK")) {
            throw new IOException("unexpected IMAP greeting: " + greeting);
        }
    }

    Reply command(String command) throws IOException {
        String t = nextTag();
        write(t + " " + command + "\r\n");
        out.flush();
        return readReply(t);
    }

    /** APPEND with a synchronizing literal. */
    Reply append(String mailbox, String flags, byte[] message) throws IOException {
        String t = nextTag();
        write(t + " APPEND " + mailbox + (flags.isEmpty() ? "" : " (" + flags + ")") + " {" + message.length
                + "}\r\n");
        out.flush();
        String cont = readLine();
        if (!cont.startsWith("+")) {
            return new Reply(cont.startsWith(t + " ") ? cont.substring(t.length() + 1) : "BAD " + cont, List.of(),
                    0);
        }
        out.write(message);
        write("\r\n");
        out.flush();
        return readReply(t);
    }

    /** IDLE, wait for the continuation, then DONE at once: the round trip of entering and leaving IDLE. */
    Reply idleAndDone() throws IOException {
        String t = startIdle();
        if (t == null) {
            return new Reply("NO IDLE refused", List.of(), 0);
        }
        return done(t);
    }

    /** Sends IDLE and waits for "+"; returns the tag, or null when the server refused. */
    String startIdle() throws IOException {
        String t = nextTag();
        write(t + " IDLE\r\n");
        out.flush();
        while (true) {
            String line = readLine();
            if (line.startsWith("+")) {
                return t;
            }
            if (line.startsWith(t + " ")) {
                return null;
            }
        }
    }

    Reply done(String idleTag) throws IOException {
        write("DONE\r\n");
        out.flush();
        return readReply(idleTag);
    }

    private String nextTag() {
        return "a" + (++tag);
    }

    private Reply readReply(String t) throws IOException {
        List<String> untagged = new ArrayList<>();
        long literalBytes = 0;
        String prefix = t + " ";
        while (true) {
            StringBuilder full = new StringBuilder();
            String line = readLine();
            // A line ending in {n} is followed by n bytes of literal, then the rest of the response.
            while (line.endsWith("}") && line.lastIndexOf('{') >= 0) {
                int open = line.lastIndexOf('{');
                long n;
                try {
                    n = Long.parseLong(line.substring(open + 1, line.length() - 1).replace("+", ""));
                } catch (NumberFormatException e) {
                    break;
                }
                full.append(line, 0, open);
                literalBytes += n;
                byte[] lit = readBytes(n);
                // Keep small literals (envelope strings) as text; count large ones (bodies) only.
                full.append(n <= 1024 ? '"' + new String(lit, StandardCharsets.UTF_8) + '"' : "{literal}");
                line = readLine();
            }
            full.append(line);
            String response = full.toString();
            if (response.startsWith(prefix)) {
                return new Reply(response.substring(prefix.length()), untagged, literalBytes);
            }
            untagged.add(response);
        }
    }

    private byte[] readBytes(long n) throws IOException {
        if (n > Integer.MAX_VALUE) {
            throw new IOException("literal too large: " + n);
        }
        byte[] b = in.readNBytes((int) n);
        if (b.length < n) {
            throw new EOFException("connection closed in a literal");
        }
        return b;
    }

    private String readLine() throws IOException {
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

    private void write(String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
    }

    static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
