package dev.mailplatform.store.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A memo of passwords that recently passed an Argon2id check, so that a client logging in again and again (POP3
 * pollers, IMAP clients opening several connections) costs one Argon2id run per TTL instead of one per login. Dovecot
 * does the same in its auth cache, keeping a verified password under a cheap scheme.
 *
 * <p>What keeps it safe:
 * <ul>
 * <li>Only successes are kept. A wrong password always pays the full Argon2id cost and is counted for throttling, so
 * online guessing is exactly as slow as without the memo.</li>
 * <li>Entries are keyed by the stored PHC string, which holds a random salt. A new password (on any replica) gives a
 * new PHC string, so an old password can never match again; callers read the account row on every login anyway.</li>
 * <li>What is kept is an HMAC-SHA256 of the password under a random key that lives only in this process's memory and
 * is never written anywhere. Anyone able to read that memory can already read the plaintext passwords that every
 * Authenticate call carries.</li>
 * <li>It is bounded in entries and in age.</li>
 * </ul>
 */
final class VerifiedPasswords {

    private final LongSupplier clock;
    private final long ttlNanos;
    private final int maxEntries;
    private final SecretKeySpec key;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(256, 0.75f, true);

    private record Entry(byte[] mac, long expiresAt) {
    }

    /** A {@code ttl} of zero, or {@code maxEntries} 0, turns the memo off. */
    VerifiedPasswords(Duration ttl, int maxEntries) {
        this(ttl, maxEntries, System::nanoTime);
    }

    VerifiedPasswords(Duration ttl, int maxEntries, LongSupplier nanoClock) {
        this.clock = nanoClock;
        this.ttlNanos = ttl.toNanos();
        this.maxEntries = maxEntries;
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        this.key = new SecretKeySpec(k, "HmacSHA256");
    }

    boolean enabled() {
        return ttlNanos > 0 && maxEntries > 0;
    }

    /** Whether this password passed a full check against this stored hash within the TTL. */
    boolean contains(String phc, String password) {
        if (!enabled()) {
            return false;
        }
        Entry e;
        synchronized (this) {
            e = entries.get(phc);
        }
        if (e == null || clock.getAsLong() - e.expiresAt > 0) {
            return false;
        }
        return MessageDigest.isEqual(e.mac, mac(password));
    }

    void add(String phc, String password) {
        if (!enabled()) {
            return;
        }
        Entry e = new Entry(mac(password), clock.getAsLong() + ttlNanos);
        synchronized (this) {
            entries.put(phc, e);
            var it = entries.entrySet().iterator();
            while (entries.size() > maxEntries && it.hasNext()) {
                it.next();
                it.remove();
            }
        }
    }

    synchronized int size() {
        return entries.size();
    }

    private byte[] mac(String password) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            return m.doFinal(password.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
