package dev.mailplatform.lmtp.service;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** A raw LMTP client over a real socket: bytes out exactly as given, replies read line by line. */
public final class LmtpClient implements AutoCloseable {

    private Socket socket;
    private InputStream in;
    private OutputStream out;

    private LmtpClient(Socket socket) throws IOException {
        attach(socket);
    }

    private void attach(Socket s) throws IOException {
        socket = s;
        socket.setSoTimeout(15_000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    public static LmtpClient connect(String host, int port) throws IOException {
        return new LmtpClient(new Socket(host, port));
    }

    /** Connects from a given local address (127.0.0.2 is loopback too, but another network for the filter). */
    public static LmtpClient connectFrom(String local, String host, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(local), 0));
        s.connect(new InetSocketAddress(host, port));
        return new LmtpClient(s);
    }

    /** Connects, reads the greeting and says LHLO; returns the LHLO reply lines. */
    public static LmtpClient ready(String host, int port) throws IOException {
        LmtpClient c = connect(host, port);
        String greeting = c.reply().get(0);
        if (!greeting.startsWith("220 ")) {
            throw new IOException("greeting: " + greeting);
        }
        c.command("LHLO test.example");
        return c;
    }

    public void send(String raw) throws IOException {
        send(raw.getBytes(StandardCharsets.UTF_8));
    }

    public void send(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
    }

    /** Sends one command line and returns the last line of its reply. */
    public String command(String line) throws IOException {
        send(line + "\r\n");
        List<String> r = reply();
        return r.get(r.size() - 1);
    }

    /** One reply, all its lines (continuations have a '-' after the code). */
    public List<String> reply() throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String l = line();
            if (l == null) {
                throw new IOException("connection closed; reply so far " + lines);
            }
            lines.add(l);
            if (l.length() < 4 || l.charAt(3) != '-') {
                return lines;
            }
        }
    }

    /** The last line of the next reply. */
    public String next() throws IOException {
        List<String> r = reply();
        return r.get(r.size() - 1);
    }

    /** One line without CRLF, or null at end of stream. */
    public String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                byte[] bytes = b.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.UTF_8);
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
    }

    /** True when the server closed the connection (reads end of stream). */
    public boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    /** STARTTLS done: the socket becomes a TLS socket trusting any certificate (the test's is self-signed). */
    public void upgradeToTls() throws Exception {
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
        SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(socket,
                socket.getInetAddress().getHostAddress(), socket.getPort(), true);
        tls.startHandshake();
        attach(tls);
    }

    /** Drops the connection without QUIT. */
    public void abort() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** A message's bytes dot-stuffed for DATA, with the terminating dot line. */
    public static byte[] dotStuffed(byte[] message) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        boolean lineStart = true;
        for (byte x : message) {
            if (lineStart && x == '.') {
                b.write('.');
            }
            b.write(x);
            lineStart = x == '\n';
        }
        if (message.length > 0 && message[message.length - 1] != '\n') {
            b.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        b.writeBytes(".\r\n".getBytes(StandardCharsets.US_ASCII));
        return b.toByteArray();
    }
}
