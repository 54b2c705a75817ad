package dev.mailplatform.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class DrainTest {

    /** A session that ends when asked unless it is "busy"; a busy one ends only when cut. */
    static final class FakeSession implements Drain.Session {
        final Set<FakeSession> open;
        final boolean busy;
        volatile boolean drained;
        volatile boolean cut;

        FakeSession(Set<FakeSession> open, boolean busy) {
            this.open = open;
            this.busy = busy;
            open.add(this);
        }

        @Override
        public void drain() {
            drained = true;
            if (!busy) {
                open.remove(this);
            }
        }

        @Override
        public void cut() {
            cut = true;
            open.remove(this);
        }
    }

    @Test
    void idleSessionsEndWhenAskedAndBusyOnesAreCutAtTheDeadline() throws Exception {
        Set<FakeSession> open = ConcurrentHashMap.newKeySet();
        FakeSession idle = new FakeSession(open, false);
        FakeSession busy = new FakeSession(open, true);
        Drain drain = new Drain();
        assertFalse(drain.refusing());
        Drain.Result r = drain.run(Duration.ofMillis(100), () -> open);
        assertTrue(drain.refusing());
        assertEquals(1, r.drained());
        assertEquals(1, r.cut());
        assertTrue(idle.drained && !idle.cut);
        assertTrue(busy.drained && busy.cut);
        assertTrue(open.isEmpty());
        assertTrue(r.took().toMillis() >= 100, "waited for the busy session until the deadline: " + r.took());
    }
}
