package dev.mailplatform.protocol;

/**
 * Whether a password may be sent in the clear on a connection: over TLS always; on a loopback connection (it never
 * leaves the host) when {@code plaintextOnLoopback} is on (off by default in both front ends: behind a
 * TLS-terminating proxy on the same host every connection looks local); elsewhere only when the operator switched
 * the protection off.
 */
public record PlaintextAuthPolicy(boolean allowWithoutTls, boolean plaintextOnLoopback) {

    public boolean allowed(boolean tlsActive, String remoteIp) {
        return tlsActive || allowWithoutTls || (plaintextOnLoopback && isLoopback(remoteIp));
    }

    /** Parses the literal address only (no DNS): 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
    public static boolean isLoopback(String ip) {
        if (ip == null) {
            return false;
        }
        String s = ip.startsWith("[") && ip.endsWith("]") ? ip.substring(1, ip.length() - 1) : ip;
        if (s.startsWith("::ffff:")) {
            s = s.substring(7);
        }
        if (s.equals("::1") || s.equals("0:0:0:0:0:0:0:1")) {
            return true;
        }
        return s.startsWith("127.") && s.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }
}
