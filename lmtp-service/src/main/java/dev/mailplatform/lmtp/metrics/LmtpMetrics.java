package dev.mailplatform.lmtp.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The LMTP meters, on /q/metrics as lmtp_*. */
@ApplicationScoped
public class LmtpMetrics {

    private final MeterRegistry registry;
    private final AtomicInteger openSessions = new AtomicInteger();
    private final Counter deliveries;
    private final Counter bytes;
    private final Counter refusedConnections;
    private final Timer latency;
    private final ConcurrentHashMap<String, Counter> recipients = new ConcurrentHashMap<>();

    public LmtpMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("lmtp.sessions.open", openSessions);
        deliveries = Counter.builder("lmtp.deliveries").description("Messages stored for at least one recipient")
                .register(registry);
        bytes = Counter.builder("lmtp.bytes").description("Message bytes received in DATA and BDAT")
                .register(registry);
        refusedConnections = Counter.builder("lmtp.connections.refused")
                .description("Connections from outside mail.lmtp.allowed-networks or over the limit").register(registry);
        latency = Timer.builder("lmtp.delivery.latency")
                .description("From the end of the data to the per-recipient replies").register(registry);
    }

    public void sessionOpened() {
        openSessions.incrementAndGet();
    }

    public void sessionClosed() {
        openSessions.decrementAndGet();
    }

    public void refused() {
        refusedConnections.increment();
    }

    public void bytes(long n) {
        bytes.increment(n);
    }

    public void delivered(Duration took) {
        deliveries.increment();
        latency.record(took);
    }

    /** A recipient's outcome: delivered, duplicate, unknown, disabled, over_quota, too_big, tempfail. */
    public void recipient(String result) {
        recipients.computeIfAbsent(result, r -> Counter.builder("lmtp.recipients").tag("result", r)
                .description("Recipients by result, at RCPT or after the data").register(registry)).increment();
    }

    public double recipients(String result) {
        Counter c = recipients.get(result);
        return c == null ? 0 : c.count();
    }

    public double deliveries() {
        return deliveries.count();
    }
}
