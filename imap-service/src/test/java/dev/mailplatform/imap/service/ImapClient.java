package dev.mailplatform.imap.service;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A raw IMAP client for protocol tests (public for the replica ITs in another package): sends exact bytes, reads responses line by line, and reads literals as bytes
 * (a line ending in {N} is joined with its N bytes, kept as ISO-8859-1 so bytes survive).
 */
public final class ImapClient implements Closeable {

    private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)\\}$");

    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private int tagCounter;

    public ImapClient(int port) throws IOException {
        this(new Socket("127.0.0.1", port));
    }

    private ImapClient(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(15_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Over a socket opened elsewhere (a proxied connection); reads nothing yet. */
    public static ImapClient over(Socket socket) throws IOException {
        return new ImapClient(socket);
    }

    public static ImapClient tls(int port) throws Exception {
        SSLSocket s = (SSLSocket) trustAll().getSocketFactory().createSocket("127.0.0.1", port);
        s.startHandshake();
        return new ImapClient(s);
    }

    /** Wraps the connection in TLS (after a STARTTLS OK). */
    public void startTls() throws Exception {
        SSLSocket s = (SSLSocket) trustAll().getSocketFactory().createSocket(socket, "127.0.0.1", socket.getPort(),
                true);
        s.startHandshake();
        socket = s;
        in = s.getInputStream();
        out = s.getOutputStream();
    }

    public static SSLContext trustAll() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new X509TrustManager() {
            public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {
            }

            public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {
            }

            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        }}, null);
        return ctx;
    }

    public void setTimeout(int ms) throws IOException {
        socket.setSoTimeout(ms);
    }

    public String nextTag() {
        return "t" + (++tagCounter);
    }

    public void write(String s) throws IOException {
        write(s.getBytes(StandardCharsets.UTF_8));
    }

    public void write(byte[] b) throws IOException {
        out.write(b);
        out.flush();
    }

    /** One response line (with any literals joined in), without the final CRLF; null at end of stream. */
    public String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            String part = rawLine();
            if (part == null) {
                return line.length() == 0 ? null : line.toString();
            }
            line.append(part);
            Matcher m = LITERAL.matcher(part);
            if (!m.find()) {
                return line.toString();
            }
            int n = Integer.parseInt(m.group(1));
            byte[] data = in.readNBytes(n);
            line.append("\r\n").append(new String(data, StandardCharsets.ISO_8859_1));
        }
    }

    private String rawLine() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                byte[] bytes = b.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    /** Sends "tag command" and reads until the tagged reply; returns every line, the tagged one last. */
    public List<String> command(String command) throws IOException {
        String tag = nextTag();
        write(tag + " " + command + "\r\n");
        return readUntil(tag);
    }

    public List<String> readUntil(String tag) throws IOException {
        List<String> lines = new ArrayList<>();
        String line;
        while ((line = readLine()) != null) {
            lines.add(line);
            if (line.startsWith(tag + " ")) {
                return lines;
            }
        }
        throw new IOException("connection closed before " + tag + "; got " + lines);
    }

    /** The tagged line of a command's reply. */
    public String ok(String command) throws IOException {
        List<String> lines = command(command);
        String last = lines.get(lines.size() - 1);
        if (!last.matches("t\\d+ OK.*")) {
            throw new AssertionError(command + " failed: " + lines);
        }
        return last;
    }

    /** Reads one line, or returns null when nothing arrives within {@code ms}. */
    public String poll(int ms) throws IOException {
        int old = socket.getSoTimeout();
        socket.setSoTimeout(ms);
        try {
            return readLine();
        } catch (SocketTimeoutException e) {
            return null;
        } finally {
            socket.setSoTimeout(old);
        }
    }

    public boolean isClosedByPeer() throws IOException {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
