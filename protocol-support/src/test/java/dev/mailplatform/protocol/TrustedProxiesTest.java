package dev.mailplatform.protocol;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {

    @Test
    void addressesAndCidrBlocksOfBothFamiliesMatch() {
        TrustedProxies t = TrustedProxies.of(List.of("127.0.0.2", " 10.0.0.0/8 ", "fd00::/8", "2001:db8::1", ""));
        assertTrue(t.contains(ip("127.0.0.2")));
        assertFalse(t.contains(ip("127.0.0.1")));
        assertTrue(t.contains(ip("10.200.3.4")));
        assertFalse(t.contains(ip("11.0.0.1")));
        assertTrue(t.contains(ip("fd12::5")));
        assertTrue(t.contains(ip("2001:db8::1")));
        assertFalse(t.contains(ip("2001:db8::2")));
        assertTrue(t.contains(ip("::ffff:10.1.1.1")), "an IPv4-mapped address is its IPv4 address");
        assertFalse(t.contains(null));
        assertFalse(t.isEmpty());
        assertTrue(TrustedProxies.of(List.of(" ")).isEmpty());
        assertTrue(TrustedProxies.none().isEmpty());
        assertTrue(TrustedProxies.of(List.of("0.0.0.0/0")).contains(ip("203.0.113.7")));
    }

    @Test
    void namesAndBadPrefixesAreRefusedNotLookedUp() {
        for (String bad : List.of("localhost", "proxy.example.com", "10.0.0.0/33", "fd00::/129", "10.0.0.0/", "1.2.3",
                "10.0.0.0/-1", "fe80::1%eth0", "10.0.0.0/8/8")) {
            assertThrows(IllegalArgumentException.class, () -> TrustedProxies.of(List.of(bad)), bad);
        }
    }

    private static InetAddress ip(String literal) {
        return NetUtil.createInetAddressFromIpAddressString(literal);
    }
}
