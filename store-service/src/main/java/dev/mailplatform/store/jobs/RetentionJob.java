package dev.mailplatform.store.jobs;

import dev.mailplatform.store.domain.CallBudget;
import dev.mailplatform.store.domain.Logins;
import dev.mailplatform.store.domain.Maildrops;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.jboss.logging.Logger;

/** Enforces the POP3 retention policy ("delete N days after first retrieval") on every replica, idempotently. */
@ApplicationScoped
public class RetentionJob {

    private static final Logger LOG = Logger.getLogger(RetentionJob.class);

    private final Maildrops maildrops;
    private final Logins logins;
    private final Counter deleted;

    public RetentionJob(Maildrops maildrops, Logins logins, MeterRegistry registry) {
        this.maildrops = maildrops;
        this.logins = logins;
        this.deleted = registry.counter("mail.store.retention.deleted");
    }

    @Scheduled(every = "${mail.store.pop3-retention-interval}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            new CallBudget(CallBudget.Kind.JOB).run(this::run);
        } catch (RuntimeException e) {
            LOG.warnf("retention run failed, will retry: %s", e.getMessage());
        }
        // On its own: a failed retention run must not leave expired login failures in place for ever.
        try {
            new CallBudget(CallBudget.Kind.JOB).run(logins::purgeFailures);
        } catch (RuntimeException e) {
            LOG.warnf("purging expired login failures failed, will retry: %s", e.getMessage());
        }
    }

    /** Returns how many messages were deleted. */
    public int run() {
        int total = 0;
        while (true) {
            List<long[]> due = maildrops.dueMailboxes(100);
            int n = 0;
            for (long[] mb : due) {
                n += maildrops.enforce(mb[1]);
            }
            total += n;
            if (due.size() < 100 || n == 0) {
                break;
            }
        }
        deleted.increment(total);
        return total;
    }
}
