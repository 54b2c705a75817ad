package dev.mailplatform.testkit;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A client as a HAProxy in front of a front end would connect: from {@link #PROXY_IP} (a loopback address of its own,
 * so the tests' ordinary clients on 127.0.0.1 stay untrusted), starting with a PROXY protocol v1 or v2 header. The
 * front end's tests configure {@code PROXY_IP} as their trusted proxy.
 */
public final class ProxyProtocolClient {

    /** The trusted proxy's address in the front ends' tests. Linux routes all of 127.0.0.0/8 to the loopback. */
    public static final String PROXY_IP = "127.0.0.2";

    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54,
        0x0A};

    private ProxyProtocolClient() {
    }

    /** A plain TCP connection to 127.0.0.1:{@code port} from {@link #PROXY_IP}; nothing sent yet. */
    public static Socket connect(int port) throws IOException {
        return connect(new Socket(), port);
    }

    /**
     * An implicit-TLS connection from {@link #PROXY_IP} that sends {@code header} and the TLS ClientHello in one
     * write, as a proxy forwarding a client's first packet does: the server must hand the bytes after the header to
     * its handshake. The handshake is done when this returns.
     */
    public static SSLSocket connectTls(int port, byte[] header, SSLContext trusting) throws IOException {
        Socket raw = connect(new HeaderFirstSocket(header), port);
        SSLSocket tls = (SSLSocket) trusting.getSocketFactory().createSocket(raw, "127.0.0.1", port, true);
        tls.setSoTimeout(15_000);
        tls.startHandshake();
        return tls;
    }

    private static Socket connect(Socket s, int port) throws IOException {
        s.setTcpNoDelay(true);
        s.bind(new InetSocketAddress(PROXY_IP, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(15_000);
        return s;
    }

    /** {@code PROXY TCP4|TCP6 client 127.0.0.1 clientPort serverPort\r\n}, the family the client address's. */
    public static byte[] v1(String clientIp, int clientPort, int serverPort) {
        boolean v6 = clientIp.contains(":");
        return ("PROXY " + (v6 ? "TCP6 " : "TCP4 ") + clientIp + (v6 ? " ::1 " : " 127.0.0.1 ") + clientPort + " "
                + serverPort + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** A v2 PROXY header for a TCP client, with two TLVs (an ALPN and a NOOP) that the server must skip. */
    public static byte[] v2(String clientIp, int clientPort, int serverPort) {
        InetAddress client = literal(clientIp);
        boolean v4 = client instanceof Inet4Address;
        byte[] server = literal(v4 ? "127.0.0.1" : "::1").getAddress();
        byte[] tlvs = {0x01, 0x00, 0x04, 'i', 'm', 'a', 'p', 0x04, 0x00, 0x02, 0x00, 0x00};
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        block.writeBytes(client.getAddress());
        block.writeBytes(server);
        block.write(clientPort >> 8);
        block.write(clientPort & 0xff);
        block.write(serverPort >> 8);
        block.write(serverPort & 0xff);
        block.writeBytes(tlvs);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(V2_SIGNATURE);
        out.write(0x21);
        out.write(v4 ? 0x11 : 0x21);
        out.write(block.size() >> 8);
        out.write(block.size() & 0xff);
        out.writeBytes(block.toByteArray());
        return out.toByteArray();
    }

    /** The v2 LOCAL command (a proxy's own health check): the connection's own addresses count. */
    public static byte[] v2Local() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(V2_SIGNATURE);
        out.writeBytes(new byte[] {0x20, 0x00, 0x00, 0x00});
        return out.toByteArray();
    }

    private static InetAddress literal(String ip) {
        try {
            return InetAddress.getByName(ip); // a literal: no lookup
        } catch (IOException e) {
            throw new IllegalArgumentException(ip, e);
        }
    }

    /** A socket whose first write leaves with the header in front of it, in the same write. */
    private static final class HeaderFirstSocket extends Socket {

        private final byte[] header;
        private OutputStream out;

        HeaderFirstSocket(byte[] header) {
            this.header = header;
        }

        @Override
        public synchronized OutputStream getOutputStream() throws IOException {
            if (out == null) {
                out = new FilterOutputStream(super.getOutputStream()) {
                    private boolean sent;

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        if (!sent) {
                            sent = true;
                            byte[] both = new byte[header.length + len];
                            System.arraycopy(header, 0, both, 0, header.length);
                            System.arraycopy(b, off, both, header.length, len);
                            super.out.write(both);
                        } else {
                            super.out.write(b, off, len);
                        }
                    }
                };
            }
            return out;
        }
    }
}
