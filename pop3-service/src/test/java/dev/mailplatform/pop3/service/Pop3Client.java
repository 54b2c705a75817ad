package dev.mailplatform.pop3.service;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** A raw POP3 script client over a real socket: send a line, read a status line or a whole multi-line reply. */
public final class Pop3Client implements AutoCloseable {

    private Socket socket;
    private InputStream in;
    /** Our own read buffer: lines and bodies are scanned in it, not read a byte per call. */
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int lim;
    private OutputStream out;
    public final String greeting;

    private Pop3Client(Socket socket) throws IOException {
        attach(socket);
        greeting = line();
    }

    public static Pop3Client connect(String host, int port) throws IOException {
        Socket s = new Socket();
        // Each command goes out in one write, but a client must never wait on Nagle: benchmarks time the server.
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(host, port), 5000);
        s.setSoTimeout(15000);
        return new Pop3Client(s);
    }

    /** Over a socket opened elsewhere (a proxied connection); reads the greeting. */
    public static Pop3Client over(Socket s) throws IOException {
        return new Pop3Client(s);
    }

    public static Pop3Client connectTls(String host, int port) throws Exception {
        SSLSocket s = (SSLSocket) trustAll().getSocketFactory().createSocket();
        s.connect(new InetSocketAddress(host, port), 5000);
        s.setSoTimeout(15000);
        s.startHandshake();
        return new Pop3Client(s);
    }

    public static SSLContext trustAll() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {
            }

            @Override
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        }}, null);
        return ctx;
    }

    private void attach(Socket s) throws IOException {
        socket = s;
        // Reading a message byte by byte from the socket would measure the client, not the server.
        in = s.getInputStream();
        pos = 0;
        lim = 0;
        out = s.getOutputStream();
    }

    /** After "+OK" to STLS. */
    public void upgradeToTls(String host) throws Exception {
        SSLSocket s = (SSLSocket) trustAll().getSocketFactory().createSocket(socket, host, socket.getPort(), true);
        s.setUseClientMode(true);
        s.startHandshake();
        attach(s);
    }

    public void send(String line) throws IOException {
        sendRaw((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public String command(String line) throws IOException {
        send(line);
        return line();
    }

    /** One line without CRLF; null at end of stream. */
    public String line() throws IOException {
        byte[] l = rawLine();
        return l == null ? null : new String(l, 0, l.length - 2, StandardCharsets.UTF_8);
    }

    /** One line with its terminator exactly as sent; null at end of stream. */
    public byte[] rawLine() throws IOException {
        ByteArrayOutputStream b = null;
        while (true) {
            if (pos == lim && !fill()) {
                return b == null || b.size() == 0 ? null : b.toByteArray();
            }
            int start = pos;
            while (pos < lim && buf[pos] != '\n') {
                pos++;
            }
            if (pos < lim) {
                pos++;
                if (b == null) {
                    return java.util.Arrays.copyOfRange(buf, start, pos);
                }
                b.write(buf, start, pos - start);
                return b.toByteArray();
            }
            if (b == null) {
                b = new ByteArrayOutputStream();
            }
            b.write(buf, start, pos - start);
        }
    }

    private boolean fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            return false;
        }
        pos = 0;
        lim = n;
        return true;
    }

    /**
     * Reads a multi-line body to its terminating "." line without keeping it, and returns its size on the wire: what
     * a benchmark needs, at a cost far below the server's.
     */
    public long skipBody() throws IOException {
        long size = 0;
        // 0: at a line start, 1: saw "." at a line start, 2: saw ".\r", 3: inside a line
        int state = 0;
        while (true) {
            if (pos == lim && !fill()) {
                throw new IOException("connection closed inside a multi-line body");
            }
            for (; pos < lim; pos++) {
                if (state == 3) {
                    // Inside a line only its LF matters: a tight scan, so that the client costs less than the server.
                    int from = pos;
                    while (pos < lim && buf[pos] != '\n') {
                        pos++;
                    }
                    size += pos - from;
                    if (pos == lim) {
                        break;
                    }
                }
                byte c = buf[pos];
                size++;
                switch (state) {
                    case 0 -> state = c == '.' ? 1 : c == '\n' ? 0 : 3;
                    case 1 -> state = c == '\r' ? 2 : c == '\n' ? 0 : 3;
                    case 2 -> {
                        if (c == '\n') {
                            pos++;
                            return size;
                        }
                        state = 3;
                    }
                    default -> {
                        if (c == '\n') {
                            state = 0;
                        }
                    }
                }
            }
        }
    }

    /** The lines of a multi-line body up to (not including) ".", un-dot-stuffed. */
    public List<String> lines() throws IOException {
        List<String> lines = new ArrayList<>();
        String l;
        while (!(l = line()).equals(".")) {
            lines.add(l.startsWith(".") ? l.substring(1) : l);
        }
        return lines;
    }

    /** A multi-line body's exact bytes on the wire, "." line included. */
    public byte[] wireBody() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] l;
        while ((l = rawLine()) != null) {
            b.writeBytes(l);
            if (l.length == 3 && l[0] == '.' && l[1] == '\r') {
                break;
            }
        }
        return b.toByteArray();
    }

    /** Reads a multi-line body and undoes the dot-stuffing: the message as the client stores it. */
    public byte[] message() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] l;
        while ((l = rawLine()) != null) {
            if (l.length == 3 && l[0] == '.' && l[1] == '\r') {
                break;
            }
            int skip = l.length > 0 && l[0] == '.' ? 1 : 0;
            b.write(l, skip, l.length - skip);
        }
        return b.toByteArray();
    }

    public void login(String user, String password) throws IOException {
        String u = command("USER " + user);
        if (!u.startsWith("+OK")) {
            throw new IOException("USER: " + u);
        }
        String p = command("PASS " + password);
        if (!p.startsWith("+OK")) {
            throw new IOException("PASS: " + p);
        }
    }

    /** Drops the connection without QUIT (RST where possible), like a crashed client. */
    public void abort() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    public boolean closedByServer() throws IOException {
        try {
            return pos == lim && !fill();
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
