package dev.mailplatform.pop3.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The POP3 meters, on /q/metrics as pop3_*. */
@ApplicationScoped
public class Pop3Metrics {

    private final MeterRegistry registry;
    private final AtomicInteger openSessions = new AtomicInteger();
    private final Counter bytesIn;
    private final Counter bytesOut;
    private final Counter retrievals;
    private final Counter lockConflicts;
    private final Counter authFailures;
    private final ConcurrentHashMap<String, Timer> commandTimers = new ConcurrentHashMap<>();

    public Pop3Metrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("pop3.sessions.open", openSessions);
        bytesIn = registry.counter("pop3.bytes.in");
        bytesOut = registry.counter("pop3.bytes.out");
        retrievals = registry.counter("pop3.retr");
        lockConflicts = registry.counter("pop3.lock.conflicts");
        authFailures = registry.counter("pop3.auth.failures");
    }

    public void sessionOpened() {
        openSessions.incrementAndGet();
    }

    public void sessionClosed() {
        openSessions.decrementAndGet();
    }

    public int openSessions() {
        return openSessions.get();
    }

    public void bytesIn(int n) {
        bytesIn.increment(n);
    }

    public void bytesOut(int n) {
        bytesOut.increment(n);
    }

    public void retrieved() {
        retrievals.increment();
    }

    public void lockConflict() {
        lockConflicts.increment();
    }

    public void authFailure() {
        authFailures.increment();
    }

    /** {@code status} is "ok" or "err". */
    public void command(String name, String status, long nanos) {
        commandTimers.computeIfAbsent(name + ' ' + status, k -> Timer.builder("pop3.commands")
                .tag("command", name).tag("status", status).register(registry))
                .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
}
