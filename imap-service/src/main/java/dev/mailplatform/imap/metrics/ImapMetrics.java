package dev.mailplatform.imap.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The IMAP front end's meters, all under {@code imap.*} at /q/metrics. */
@ApplicationScoped
public class ImapMetrics {

    private final MeterRegistry registry;
    private final AtomicInteger open = new AtomicInteger();
    private final Counter bytesIn;
    private final Counter bytesOut;
    private final Counter authFailures;
    private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();

    @Inject
    public ImapMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("imap.connections.open", open);
        bytesIn = Counter.builder("imap.bytes.in").baseUnit("bytes").description("Bytes read from clients")
                .register(registry);
        bytesOut = Counter.builder("imap.bytes.out").baseUnit("bytes").description("Bytes written to clients")
                .register(registry);
        authFailures = Counter.builder("imap.auth.failures").description("Failed LOGIN/AUTHENTICATE attempts")
                .register(registry);
    }

    public void connectionOpened() {
        open.incrementAndGet();
        registry.counter("imap.connections.accepted").increment();
    }

    public void connectionClosed() {
        open.decrementAndGet();
    }

    public void connectionRefused(String reason) {
        registry.counter("imap.connections.refused", "reason", reason).increment();
    }

    public void bytesIn(long n) {
        bytesIn.increment(n);
    }

    public void bytesOut(long n) {
        bytesOut.increment(n);
    }

    public void authFailure() {
        authFailures.increment();
    }

    /** One finished command: name (e.g. "UID FETCH"), status (OK, NO, BAD) and its latency. */
    public void command(String name, String status, long nanos) {
        timers.computeIfAbsent(name + '\0' + status, k -> Timer.builder("imap.commands")
                .description("IMAP commands by name and tagged status").tag("command", name).tag("status", status)
                .register(registry)).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
}
