package dev.mailplatform.store.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class VerifiedPasswordsTest {

    static final String PHC = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";
    final AtomicLong now = new AtomicLong(1_000);

    @Test
    void recognisesOnlyTheSamePasswordForTheSameStoredHash() {
        VerifiedPasswords v = new VerifiedPasswords(Duration.ofMinutes(10), 10, now::get);
        assertFalse(v.contains(PHC, "secret password"), "nothing is known before a full check");
        v.add(PHC, "secret password");
        assertTrue(v.contains(PHC, "secret password"));
        assertFalse(v.contains(PHC, "secret passworD"), "another password still needs the full check");
        assertFalse(v.contains(PHC, ""));
        assertFalse(v.contains(PHC + "x", "secret password"), "a changed password has another stored hash");
    }

    @Test
    void forgetsAtTheTtl() {
        VerifiedPasswords v = new VerifiedPasswords(Duration.ofSeconds(60), 10, now::get);
        v.add(PHC, "pw");
        now.addAndGet(Duration.ofSeconds(60).toNanos());
        assertTrue(v.contains(PHC, "pw"), "still known at exactly the TTL");
        now.incrementAndGet();
        assertFalse(v.contains(PHC, "pw"), "unknown one nanosecond after it");
        v.add(PHC, "pw");
        assertTrue(v.contains(PHC, "pw"), "a new full check starts a new TTL");
    }

    @Test
    void keepsAtMostMaxEntriesDroppingTheLeastRecentlyUsed() {
        VerifiedPasswords v = new VerifiedPasswords(Duration.ofMinutes(10), 3, now::get);
        for (int i = 0; i < 3; i++) {
            v.add(PHC + i, "pw");
        }
        assertTrue(v.contains(PHC + 0, "pw"));
        v.add(PHC + 3, "pw");
        assertEquals(3, v.size());
        assertTrue(v.contains(PHC + 0, "pw"), "used last, so kept");
        assertFalse(v.contains(PHC + 1, "pw"), "least recently used, so dropped");
        assertTrue(v.contains(PHC + 3, "pw"));
    }

    @Test
    void aZeroTtlOrSizeTurnsItOff() {
        for (VerifiedPasswords v : new VerifiedPasswords[] {
            new VerifiedPasswords(Duration.ZERO, 10, now::get), new VerifiedPasswords(Duration.ofMinutes(1), 0, now::get)}) {
            v.add(PHC, "pw");
            assertFalse(v.contains(PHC, "pw"));
            assertEquals(0, v.size());
        }
    }
}
