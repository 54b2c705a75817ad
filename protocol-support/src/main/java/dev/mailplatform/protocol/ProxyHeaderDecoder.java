package dev.mailplatform.protocol;

import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The HAProxy PROXY protocol header, version 1 (text) and 2 (binary), as a codec without I/O: give it every byte
 * received so far and it answers {@link NeedMore}, {@link Decoded} (the header and how many bytes it took; any bytes
 * after them belong to the session) or {@link Malformed}. It decides as early as the bytes allow, so a client that
 * talks IMAP or POP3 straight away is refused at its first byte, and it never looks further than
 * {@link #MAX_LENGTH} bytes. TLVs of v2 are skipped.
 */
public final class ProxyHeaderDecoder {

    /** The longest v1 header, CRLF included. */
    public static final int V1_MAX_LENGTH = 107;
    /** The v2 signature, version and command, family and length. */
    public static final int V2_FIXED_LENGTH = 16;
    /** The largest v2 address block with its TLVs accepted here; the length field would allow 65535. */
    public static final int V2_MAX_BLOCK_LENGTH = 4096;
    /** The most bytes any header accepted here can take. */
    public static final int MAX_LENGTH = V2_FIXED_LENGTH + V2_MAX_BLOCK_LENGTH;

    /** What {@link #decode} found. */
    public sealed interface Result permits NeedMore, Decoded, Malformed {
    }

    /** The bytes so far are the beginning of a valid header. */
    public record NeedMore() implements Result {
    }

    /** A complete header of {@code consumed} bytes. */
    public record Decoded(ProxyHeader header, int consumed) implements Result {
    }

    /** Not a valid header, whatever follows. */
    public record Malformed(String reason) implements Result {
    }

    private static final NeedMore NEED_MORE = new NeedMore();
    private static final byte[] V1_PREFIX = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final int LOCAL = 0;
    private static final int PROXY = 1;
    private static final int AF_INET = 1;
    private static final int AF_INET6 = 2;
    private static final int AF_UNIX = 3;

    private ProxyHeaderDecoder() {
    }

    /** Decodes the header at the start of {@code bytes[offset, offset + length)}. */
    public static Result decode(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (length == 0) {
            return NEED_MORE;
        }
        return bytes[offset] == V2_SIGNATURE[0] ? decodeV2(bytes, offset, length) : decodeV1(bytes, offset, length);
    }

    // ---- version 1: "PROXY TCP4 192.0.2.1 198.51.100.2 51234 143\r\n"

    private static Result decodeV1(byte[] b, int off, int len) {
        for (int i = 0; i < Math.min(len, V1_PREFIX.length); i++) {
            if (b[off + i] != V1_PREFIX[i]) {
                return new Malformed("not a PROXY protocol header");
            }
        }
        int end = -1;
        for (int i = 0; i < Math.min(len, V1_MAX_LENGTH); i++) {
            int c = b[off + i] & 0xff;
            if (c == '\n') {
                end = i;
                break;
            }
            if ((c < 0x20 && c != '\r') || c > 0x7e) {
                return new Malformed("v1: a byte that is not printable ASCII");
            }
        }
        if (end < 0) {
            return len >= V1_MAX_LENGTH ? new Malformed("v1: no CRLF within " + V1_MAX_LENGTH + " bytes") : NEED_MORE;
        }
        if (b[off + end - 1] != '\r') {
            return new Malformed("v1: the line does not end with CRLF");
        }
        String line = new String(b, off, end - 1, StandardCharsets.US_ASCII);
        if (line.indexOf('\r') >= 0) {
            return new Malformed("v1: a CR inside the line");
        }
        String[] f = line.split(" ", -1);
        int consumed = end + 1;
        switch (f[1]) {
            case "UNKNOWN":
                // The rest of the line is to be ignored (spec 2.1): the connection's own peer is the client.
                return new Decoded(new ProxyHeader(1, null, null), consumed);
            case "TCP4":
            case "TCP6":
                break;
            default:
                return new Malformed("v1: unknown protocol");
        }
        if (f.length != 6) {
            return new Malformed("v1: expected source, destination and two ports");
        }
        boolean v6 = f[1].equals("TCP6");
        InetAddress source = address(f[2], v6);
        InetAddress destination = address(f[3], v6);
        int sourcePort = port(f[4]);
        int destinationPort = port(f[5]);
        if (source == null || destination == null) {
            return new Malformed("v1: not an " + (v6 ? "IPv6" : "IPv4") + " address");
        }
        if (sourcePort < 0 || destinationPort < 0) {
            return new Malformed("v1: not a port");
        }
        return new Decoded(new ProxyHeader(1, new InetSocketAddress(source, sourcePort),
                new InetSocketAddress(destination, destinationPort)), consumed);
    }

    /** A literal address of the given family (no name lookup), or null. */
    private static InetAddress address(String s, boolean v6) {
        if (s.isEmpty() || s.indexOf('[') >= 0 || s.indexOf('%') >= 0 || (s.indexOf(':') >= 0) != v6) {
            return null;
        }
        InetAddress a = NetUtil.createInetAddressFromIpAddressString(s);
        return a == null || (!v6 && !(a instanceof Inet4Address)) ? null : a;
    }

    private static int port(String s) {
        if (s.isEmpty() || s.length() > 5) {
            return -1;
        }
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n <= 65535 ? n : -1;
    }

    // ---- version 2: signature, version and command, family and transport, length, addresses, TLVs

    private static Result decodeV2(byte[] b, int off, int len) {
        for (int i = 0; i < Math.min(len, V2_SIGNATURE.length); i++) {
            if (b[off + i] != V2_SIGNATURE[i]) {
                return new Malformed("not a PROXY protocol header");
            }
        }
        if (len <= 12) {
            return NEED_MORE;
        }
        int versionAndCommand = b[off + 12] & 0xff;
        if (versionAndCommand >> 4 != 2) {
            return new Malformed("v2: version " + (versionAndCommand >> 4));
        }
        int command = versionAndCommand & 0x0f;
        if (command != LOCAL && command != PROXY) {
            return new Malformed("v2: unknown command " + command);
        }
        if (len <= 13) {
            return NEED_MORE;
        }
        int family = (b[off + 13] & 0xff) >> 4;
        int transport = b[off + 13] & 0x0f;
        // LOCAL ignores the family (spec 2.2); with PROXY only the defined values are valid.
        if (command == PROXY && (family > AF_UNIX || transport > 2 || (family == 0) != (transport == 0))) {
            return new Malformed("v2: unknown address family or transport");
        }
        if (len < V2_FIXED_LENGTH) {
            return NEED_MORE;
        }
        int blockLength = ((b[off + 14] & 0xff) << 8) | (b[off + 15] & 0xff);
        if (blockLength > V2_MAX_BLOCK_LENGTH) {
            return new Malformed("v2: " + blockLength + " bytes of addresses and TLVs, over the limit of "
                    + V2_MAX_BLOCK_LENGTH);
        }
        int addressLength = command == LOCAL ? 0 : switch (family) {
            case AF_INET -> 12;
            case AF_INET6 -> 36;
            case AF_UNIX -> 216;
            default -> 0;
        };
        if (blockLength < addressLength) {
            return new Malformed("v2: the address block is shorter than its family needs");
        }
        int consumed = V2_FIXED_LENGTH + blockLength;
        if (len < consumed) {
            return NEED_MORE;
        }
        if (command == LOCAL || (family != AF_INET && family != AF_INET6)) {
            // A health check of the proxy's own (LOCAL), or an address that is not IP: the peer is the client.
            return new Decoded(new ProxyHeader(2, null, null), consumed);
        }
        int size = family == AF_INET ? 4 : 16;
        int at = off + V2_FIXED_LENGTH;
        InetAddress source = rawAddress(b, at, size);
        InetAddress destination = rawAddress(b, at + size, size);
        int sourcePort = ((b[at + 2 * size] & 0xff) << 8) | (b[at + 2 * size + 1] & 0xff);
        int destinationPort = ((b[at + 2 * size + 2] & 0xff) << 8) | (b[at + 2 * size + 3] & 0xff);
        return new Decoded(new ProxyHeader(2, new InetSocketAddress(source, sourcePort),
                new InetSocketAddress(destination, destinationPort)), consumed);
    }

    private static InetAddress rawAddress(byte[] b, int at, int size) {
        try {
            return InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, at, at + size));
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes are always an address", e);
        }
    }
}
