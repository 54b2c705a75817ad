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
        // Buffered: reading a message byte by byte from the socket would measure the client, not the server.
        in = new java.io.BufferedInputStream(s.getInputStream(), 64 * 1024);
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
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            if (c == '\n') {
                return b.toByteArray();
            }
        }
        return b.size() == 0 ? null : b.toByteArray();
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
            return in.read() < 0;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
