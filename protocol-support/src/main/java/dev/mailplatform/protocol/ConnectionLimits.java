package dev.mailplatform.protocol;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Counts open connections on one front-end instance (all of them, and per client IP) and authenticated sessions per
 * account, and refuses those over the limits. A limit of 0 means no limit.
 */
public final class ConnectionLimits {

    /** A held slot; {@link #close()} gives it back, once. */
    public interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    /** Why {@link #admit} refused a connection. */
    public enum Refusal {
        /** The instance holds its maximum of connections. */
        INSTANCE,
        /** The client's IP holds its maximum. */
        IP
    }

    /** A connection's admission: a permit, or why there is none. */
    public record Admission(Permit permit, Refusal refusal) {
    }

    private static final String ALL = "";
    private final int perInstance;
    private final int perIp;
    private final int perAccount;
    private final ConcurrentHashMap<String, Integer> all = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> byIp = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> byAccount = new ConcurrentHashMap<>();

    public ConnectionLimits(int perIp, int perAccount) {
        this(0, perIp, perAccount);
    }

    public ConnectionLimits(int perInstance, int perIp, int perAccount) {
        this.perInstance = perInstance;
        this.perIp = perIp;
        this.perAccount = perAccount;
    }

    /** Admits one more connection from {@code ip} within the instance's and the IP's limits. */
    public Admission admit(String ip) {
        Permit instance = acquire(all, ALL, perInstance);
        if (instance == null) {
            return new Admission(null, Refusal.INSTANCE);
        }
        Permit fromIp = acquire(byIp, ip, perIp);
        if (fromIp == null) {
            instance.close();
            return new Admission(null, Refusal.IP);
        }
        return new Admission(() -> {
            fromIp.close();
            instance.close();
        }, null);
    }

    /** A permit for one more connection from {@code ip}, or null when the instance or that IP is at its limit. */
    public Permit tryConnect(String ip) {
        return admit(ip).permit();
    }

    /** A permit for one more session of {@code account} (compared case-insensitively), or null at the limit. */
    public Permit tryLogin(String account) {
        return acquire(byAccount, account.toLowerCase(java.util.Locale.ROOT), perAccount);
    }

    public int connectionsFrom(String ip) {
        return byIp.getOrDefault(ip, 0);
    }

    public int sessionsOf(String account) {
        return byAccount.getOrDefault(account.toLowerCase(java.util.Locale.ROOT), 0);
    }

    private static Permit acquire(ConcurrentHashMap<String, Integer> counts, String key, int limit) {
        boolean[] granted = {false};
        counts.compute(key, (k, n) -> {
            int current = n == null ? 0 : n;
            if (limit > 0 && current >= limit) {
                return n;
            }
            granted[0] = true;
            return current + 1;
        });
        if (!granted[0]) {
            return null;
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
            }
        };
    }
}
