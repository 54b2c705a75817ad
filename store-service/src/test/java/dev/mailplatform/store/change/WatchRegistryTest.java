package dev.mailplatform.store.change;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Watch streams of one account opening and closing at once: none may end up outside the registry (an orphan never
 * hears of a change), and none may stay in it after it closed.
 */
class WatchRegistryTest {

    @Test
    void streamsOpeningWhileTheLastOtherOneClosesAreNeverOrphaned() throws Exception {
        WatchRegistry<Object> registry = new WatchRegistry<>();
        int threads = 4;
        int rounds = 200_000;
        AtomicInteger orphans = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < rounds; i++) {
                    Object watcher = new Object();
                    registry.add(7, watcher);
                    if (!registry.contains(7, watcher)) {
                        orphans.incrementAndGet();
                    }
                    registry.remove(7, watcher);
                }
            });
            w.start();
            workers.add(w);
        }
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        assertEquals(0, orphans.get(), "streams registered outside the registry");
        assertEquals(0, registry.size(), "closed streams still registered");
    }
}
