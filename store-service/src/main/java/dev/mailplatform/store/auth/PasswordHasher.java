package dev.mailplatform.store.auth;

import dev.mailplatform.store.config.StoreConfig;
import dev.mailplatform.store.error.StoreException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes in the PHC string format ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}), with the
 * OWASP-recommended minimum cost. The parameters travel with each hash, so they can be raised later without
 * invalidating stored passwords. A password that passed recently is recognised by {@link VerifiedPasswords} without a
 * second Argon2id run.
 *
 * <p>Login checks run Argon2id (19 MiB, tens of milliseconds of CPU) on a pool of their own, of
 * {@code mail.auth.hash-threads} threads with a queue of {@code mail.auth.hash-queue}: when both are full a check is
 * refused at once ({@link StoreException.Kind#UNAVAILABLE}, "try later") instead of queueing memory and CPU without
 * bound, and the rest of the store keeps its threads.
 */
@ApplicationScoped
public class PasswordHasher {

    private static final int MEMORY_KIB = 19456;
    private static final int ITERATIONS = 2;
    private static final int PARALLELISM = 1;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final SecureRandom random = new SecureRandom();
    private final VerifiedPasswords verified;
    private final Counter fullChecks;
    private final Counter rememberedChecks;
    private final Counter refusedChecks;
    private final ThreadPoolExecutor checks;

    public PasswordHasher(StoreConfig config, MeterRegistry registry) {
        this.verified = new VerifiedPasswords(config.auth().verifiedTtl(), config.auth().verifiedMaxEntries());
        this.fullChecks = registry.counter("mail.store.password.checks", "how", "argon2id");
        this.rememberedChecks = registry.counter("mail.store.password.checks", "how", "remembered");
        this.refusedChecks = registry.counter("mail.store.password.checks", "how", "refused-busy");
        int threads = config.auth().hashThreads() > 0 ? config.auth().hashThreads()
                : Runtime.getRuntime().availableProcessors();
        if (config.auth().hashQueue() < 0) {
            throw new IllegalArgumentException("mail.auth.hash-queue must not be negative");
        }
        AtomicInteger n = new AtomicInteger();
        this.checks = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS,
                config.auth().hashQueue() == 0 ? new java.util.concurrent.SynchronousQueue<>()
                        : new ArrayBlockingQueue<>(config.auth().hashQueue()),
                r -> {
                    Thread t = new Thread(r, "store-password-check-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        registry.gauge("mail.store.password.queue", checks, e -> e.getQueue().size());
    }

    void onStop(@Observes ShutdownEvent ev) {
        checks.shutdownNow();
    }

    /** True, without Argon2id, when this password passed for this hash recently. */
    public boolean remembered(String password, String phc) {
        if (verified.contains(phc, password)) {
            rememberedChecks.increment();
            return true;
        }
        return false;
    }

    /** A hash of a password nobody knows, so unknown users cost as much time as known ones. */
    private final String decoy = hash("decoy-" + System.nanoTime());

    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] out = derive(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES);
        return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM + "$"
                + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
    }

    public boolean verify(String password, String phc) {
        if (remembered(password, phc)) {
            return true;
        }
        if (onPool(() -> check(password, phc))) {
            verified.add(phc, password);
            return true;
        }
        return false;
    }

    /** Runs a full check on the bounded pool, waiting for it; refused at once when the pool and queue are full. */
    private boolean onPool(java.util.function.BooleanSupplier check) {
        Future<Boolean> f;
        try {
            f = checks.submit(() -> {
                fullChecks.increment();
                return check.getAsBoolean();
            });
        } catch (RejectedExecutionException e) {
            refusedChecks.increment();
            throw new StoreException(StoreException.Kind.UNAVAILABLE, "too many logins in progress, try again later");
        }
        try {
            return f.get();
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new StoreException(StoreException.Kind.UNAVAILABLE, "interrupted");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private boolean check(String password, String phc) {
        try {
            String[] parts = phc.split("\\$");
            // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
            if (parts.length != 6 || !"argon2id".equals(parts[1])) {
                return false;
            }
            int m = 0, t = 0, p = 0;
            for (String kv : parts[3].split(",")) {
                String[] pair = kv.split("=");
                int v = Integer.parseInt(pair[1]);
                switch (pair[0]) {
                    case "m" -> m = v;
                    case "t" -> t = v;
                    case "p" -> p = v;
                    default -> { return false; }
                }
            }
            byte[] salt = B64D.decode(parts[4]);
            byte[] expected = B64D.decode(parts[5]);
            byte[] actual = derive(password, salt, m, t, p, expected.length);
            return MessageDigest.isEqual(expected, actual);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Spends the same time as a real verification; used when the user does not exist. */
    public void verifyDecoy(String password) {
        onPool(() -> check(password, decoy));
    }

    private static byte[] derive(String password, byte[] salt, int memoryKib, int iterations, int parallelism, int len) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .withSalt(salt)
                .build();
        Argon2BytesGenerator gen = new Argon2BytesGenerator();
        gen.init(params);
        byte[] out = new byte[len];
        gen.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }
}
