package dev.mailplatform.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The PROXY protocol header codec: every input whole, one byte at a time and at an offset gives the same result. */
class ProxyHeaderDecoderTest {

    private static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    // ---- version 1

    @Test
    void v1Tcp4() {
        ProxyHeader h = decoded("PROXY TCP4 203.0.113.7 192.0.2.10 51234 143\r\n");
        assertEquals(1, h.version());
        assertEquals(new InetSocketAddress("203.0.113.7", 51234), h.client());
        assertEquals(new InetSocketAddress("192.0.2.10", 143), h.server());
    }

    @Test
    void v1Tcp6() {
        ProxyHeader h = decoded("PROXY TCP6 2001:db8::7 2001:db8::1 51234 993\r\n");
        assertEquals(new InetSocketAddress("2001:db8:0:0:0:0:0:7", 51234), h.client());
        assertEquals(993, h.server().getPort());
        assertEquals("0:0:0:0:0:0:0:1", decoded("PROXY TCP6 ::1 ::1 1 2\r\n").client().getAddress().getHostAddress());
    }

    @Test
    void v1UnknownKeepsThePeerAndIgnoresTheRestOfItsLine() {
        assertNull(decoded("PROXY UNKNOWN\r\n").client());
        // The specification's longest line: 107 bytes with CRLF.
        String longest = "PROXY UNKNOWN " + "ffff:".repeat(7) + "ffff " + "ffff:".repeat(7) + "ffff 65535 65535\r\n";
        assertEquals(ProxyHeaderDecoder.V1_MAX_LENGTH, longest.length());
        assertNull(decoded(longest).client());
    }

    @Test
    void v1BytesAfterTheHeaderAreNotConsumed() {
        String header = "PROXY TCP4 203.0.113.7 192.0.2.10 51234 143\r\n";
        byte[] input = ascii(header + "a1 CAPABILITY\r\n");
        var d = assertInstanceOf(ProxyHeaderDecoder.Decoded.class, decodeEveryWay(input));
        assertEquals(header.length(), d.consumed());
    }

    @Test
    void v1MalformedHeadersAreRefused() {
        for (String bad : List.of(
                "a1 LOGIN user password\r\n",
                "GET / HTTP/1.0\r\n",
                "proxy TCP4 203.0.113.7 192.0.2.10 1 2\r\n",
                "PROXY TCP5 203.0.113.7 192.0.2.10 1 2\r\n",
                "PROXY\r\n",
                "PROXY \r\n",
                "PROXY TCP4 203.0.113.7 192.0.2.10 1 2\n",
                "PROXY TCP4 203.0.113.7 192.0.2.10 1 2\r\r\n",
                "PROXY TCP4 203.0.113.7 192.0.2.10 1\r\n",
                "PROXY TCP4 203.0.113.7 192.0.2.10 1 2 3\r\n",
                "PROXY TCP4  203.0.113.7 192.0.2.10 1 2\r\n",
                "PROXY TCP4 203.0.113 192.0.2.10 1 2\r\n",
                "PROXY TCP4 203.0.113.256 192.0.2.10 1 2\r\n",
                "PROXY TCP4 mail.example.com 192.0.2.10 1 2\r\n",
                "PROXY TCP4 2001:db8::7 192.0.2.10 1 2\r\n",
                "PROXY TCP6 203.0.113.7 2001:db8::1 1 2\r\n",
                "PROXY TCP6 [2001:db8::7] 2001:db8::1 1 2\r\n",
                "PROXY TCP6 fe80::1%eth0 2001:db8::1 1 2\r\n",
                "PROXY TCP4 203.0.113.7 192.0.2.10 65536 2\r\n",
                "PROXY TCP4 203.0.113.7 192.0.2.10 -1 2\r\n",
                "PROXY TCP4 203.0.113.7 192.0.2.10 +1 2\r\n",
                "PROXY TCP4 203.0.113.7 192.0.2.10 1 \r\n",
                "PROXY TCP4 203.0.113.7 192.0.2.10 1 2\0\r\n",
                "PROXY TCP4 203.0.113.7 192.0.2.10 1 2é\r\n")) {
            assertInstanceOf(ProxyHeaderDecoder.Malformed.class, decodeEveryWay(bad.getBytes(StandardCharsets.UTF_8)),
                    bad);
        }
    }

    @Test
    void v1IsRefusedAtItsFirstWrongByteAndPast107BytesWithoutCrlf() {
        assertInstanceOf(ProxyHeaderDecoder.Malformed.class, ProxyHeaderDecoder.decode(ascii("a"), 0, 1));
        assertInstanceOf(ProxyHeaderDecoder.Malformed.class, ProxyHeaderDecoder.decode(ascii("PROXX"), 0, 5));
        byte[] endless = ascii("PROXY UNKNOWN " + "x".repeat(200));
        assertInstanceOf(ProxyHeaderDecoder.NeedMore.class, ProxyHeaderDecoder.decode(endless, 0, 106));
        assertInstanceOf(ProxyHeaderDecoder.Malformed.class, ProxyHeaderDecoder.decode(endless, 0, 107));
        // One byte longer than the longest valid line: its CRLF would end at byte 108.
        String tooLong = "PROXY UNKNOWN " + "ffff:".repeat(7) + "ffff " + "ffff:".repeat(7) + "fffff 65535 65535\r\n";
        assertEquals(ProxyHeaderDecoder.V1_MAX_LENGTH + 1, tooLong.length());
        assertInstanceOf(ProxyHeaderDecoder.Malformed.class, decodeEveryWay(ascii(tooLong)));
    }

    // ---- version 2

    @Test
    void v2ProxyIpv4WithTlvs() {
        byte[] tlvs = concat(new byte[] {0x04, 0x00, 0x03, 'a', 'b', 'c'}, new byte[] {0x20, 0x00, 0x01, 0x01});
        byte[] input = v2(0x21, 0x11, concat(new byte[] {(byte) 203, 0, 113, 7, (byte) 192, 0, 2, 10,
            (byte) 0xC8, 0x22, 0x03, (byte) 0xE1}, tlvs), ascii("a1 NOOP\r\n"));
        var d = assertInstanceOf(ProxyHeaderDecoder.Decoded.class, decodeEveryWay(input));
        assertEquals(16 + 12 + tlvs.length, d.consumed());
        assertEquals(2, d.header().version());
        assertEquals(new InetSocketAddress("203.0.113.7", 51234), d.header().client());
        assertEquals(new InetSocketAddress("192.0.2.10", 993), d.header().server());
    }

    @Test
    void v2ProxyIpv6() {
        byte[] block = new byte[36];
        byte[] client = {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x07};
        System.arraycopy(client, 0, block, 0, 16);
        block[31] = 1;
        block[32] = (byte) 0xC8;
        block[33] = 0x22;
        block[35] = (byte) 143;
        ProxyHeader h = ((ProxyHeaderDecoder.Decoded) decodeEveryWay(v2(0x21, 0x21, block, new byte[0]))).header();
        assertEquals(new InetSocketAddress("2001:db8::7", 51234), h.client());
        assertEquals(new InetSocketAddress("::1", 143), h.server());
    }

    @Test
    void v2LocalUnspecAndUnixKeepThePeer() {
        assertNull(decodedV2(v2(0x20, 0x00, new byte[0], new byte[0])).client());
        // LOCAL ignores whatever family and addresses it carries.
        assertNull(decodedV2(v2(0x20, 0x11, new byte[12], new byte[0])).client());
        assertNull(decodedV2(v2(0x21, 0x00, new byte[0], new byte[0])).client());
        assertNull(decodedV2(v2(0x21, 0x31, new byte[216], new byte[0])).client());
        assertNull(decodedV2(v2(0x21, 0x32, new byte[216], new byte[0])).client());
    }

    @Test
    void v2UpToTheLengthLimitIsAcceptedAndAboveItRefusedAsSoonAsTheLengthIsKnown() {
        byte[] atLimit = v2(0x21, 0x11, new byte[ProxyHeaderDecoder.V2_MAX_BLOCK_LENGTH], new byte[0]);
        assertEquals(ProxyHeaderDecoder.MAX_LENGTH, ((ProxyHeaderDecoder.Decoded) decodeEveryWay(atLimit)).consumed());
        byte[] over = v2(0x21, 0x11, new byte[ProxyHeaderDecoder.V2_MAX_BLOCK_LENGTH + 1], new byte[0]);
        assertInstanceOf(ProxyHeaderDecoder.Malformed.class, ProxyHeaderDecoder.decode(over, 0, 16));
        byte[] huge = concat(SIGNATURE, new byte[] {0x21, 0x11, (byte) 0xff, (byte) 0xff});
        assertInstanceOf(ProxyHeaderDecoder.Malformed.class, decodeEveryWay(huge));
    }

    @Test
    void v2MalformedHeadersAreRefused() {
        byte[] badSignature = v2(0x21, 0x11, new byte[12], new byte[0]);
        badSignature[11] = 0x0B;
        assertInstanceOf(ProxyHeaderDecoder.Malformed.class, decodeEveryWay(badSignature));
        for (int versionAndCommand : new int[] {0x11, 0x31, 0x01, 0x22, 0x2f}) {
            assertInstanceOf(ProxyHeaderDecoder.Malformed.class,
                    decodeEveryWay(v2(versionAndCommand, 0x11, new byte[12], new byte[0])),
                    Integer.toHexString(versionAndCommand));
        }
        for (int family : new int[] {0x01, 0x10, 0x13, 0x23, 0x41, 0xff}) {
            assertInstanceOf(ProxyHeaderDecoder.Malformed.class,
                    decodeEveryWay(v2(0x21, family, new byte[216], new byte[0])), Integer.toHexString(family));
        }
        assertInstanceOf(ProxyHeaderDecoder.Malformed.class, decodeEveryWay(v2(0x21, 0x11, new byte[11],
                new byte[0])), "too short for IPv4");
        assertInstanceOf(ProxyHeaderDecoder.Malformed.class, decodeEveryWay(v2(0x21, 0x21, new byte[35],
                new byte[0])), "too short for IPv6");
        assertInstanceOf(ProxyHeaderDecoder.Malformed.class, decodeEveryWay(v2(0x21, 0x31, new byte[100],
                new byte[0])), "too short for a UNIX address");
        // A CR LF CR LF start that is not the signature: not a v1 header either.
        assertInstanceOf(ProxyHeaderDecoder.Malformed.class, decodeEveryWay(ascii("\r\nPROXY TCP4")));
    }

    @Test
    void emptyInputNeedsMoreAndBadBoundsAreTheCallersBug() {
        assertInstanceOf(ProxyHeaderDecoder.NeedMore.class, ProxyHeaderDecoder.decode(new byte[0], 0, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> ProxyHeaderDecoder.decode(new byte[4], 2, 3));
    }

    // ---- helpers

    private static ProxyHeader decoded(String text) {
        byte[] input = ascii(text);
        var d = assertInstanceOf(ProxyHeaderDecoder.Decoded.class, decodeEveryWay(input), text);
        assertEquals(input.length, d.consumed());
        return d.header();
    }

    private static ProxyHeader decodedV2(byte[] input) {
        var d = assertInstanceOf(ProxyHeaderDecoder.Decoded.class, decodeEveryWay(input));
        assertEquals(input.length, d.consumed());
        return d.header();
    }

    /**
     * Decodes the input whole, then one byte more at a time (as bytes arrive) and at an offset into a larger array:
     * every prefix before the verdict needs more, and the verdict is the same each way.
     */
    private static ProxyHeaderDecoder.Result decodeEveryWay(byte[] input) {
        ProxyHeaderDecoder.Result whole = ProxyHeaderDecoder.decode(input, 0, input.length);
        ProxyHeaderDecoder.Result grown = null;
        for (int n = 1; n <= input.length && grown == null; n++) {
            ProxyHeaderDecoder.Result r = ProxyHeaderDecoder.decode(input, 0, n);
            if (!(r instanceof ProxyHeaderDecoder.NeedMore)) {
                grown = r;
            }
        }
        assertEquals(whole, grown == null ? new ProxyHeaderDecoder.NeedMore() : grown);
        byte[] shifted = concat(ascii("xyz"), concat(input, ascii("tail")));
        assertEquals(whole, ProxyHeaderDecoder.decode(shifted, 3, input.length));
        if (whole instanceof ProxyHeaderDecoder.Decoded d) {
            assertTrue(d.consumed() > 0 && d.consumed() <= input.length);
        }
        return whole;
    }

    private static byte[] v2(int versionAndCommand, int family, byte[] block, byte[] after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(SIGNATURE);
        out.write(versionAndCommand);
        out.write(family);
        out.write(block.length >> 8);
        out.write(block.length & 0xff);
        out.writeBytes(block);
        out.writeBytes(after);
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
