package dev.mailplatform.testkit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs the real store-service ({@link StoreServiceProcess}) for a front end's {@code @QuarkusTest} and points the
 * gRPC client named {@code store} at it.
 *
 * <p>Returns {@code quarkus.grpc.clients.store.host}, {@code .port} and {@code .test-port}, and the same as
 * {@code mail.store.host} / {@code mail.store.port}, the store's HTTP port as {@code mail.store.http-port}, and the
 * front end's mutual-TLS material ({@code mail.store.tls.*}, {@link TestCertificates}). Each init argument
 * ({@code @ResourceArg}) is added to the
 * store's environment, e.g. {@code name = "MAIL_SEED_ACCOUNTS"}. One store per start; {@link #stop()} stops it.
 */
public class StoreServiceResource implements QuarkusTestResourceLifecycleManager {

    private Map<String, String> storeEnv = Map.of();
    private StoreServiceProcess store;
    private static volatile StoreServiceProcess current;

    /** The store this resource started last in this JVM (for fault proxies set up before it starts), or null. */
    public static StoreServiceProcess current() {
        return current;
    }

    @Override
    public void init(Map<String, String> initArgs) {
        storeEnv = Map.copyOf(initArgs);
    }

    @Override
    public Map<String, String> start() {
        try {
            store = StoreServiceProcess.start(storeEnv);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting store-service", e);
        }
        current = store;
        Map<String, String> config = new LinkedHashMap<>();
        config.put("quarkus.grpc.clients.store.host", store.host());
        config.put("quarkus.grpc.clients.store.port", Integer.toString(store.port()));
        // In test mode Quarkus replaces a client's port with its test-port (default 9001).
        config.put("quarkus.grpc.clients.store.test-port", Integer.toString(store.port()));
        config.put("mail.store.host", store.host());
        config.put("mail.store.port", Integer.toString(store.port()));
        // Health and metrics, for tests and benchmarks that read the store's own figures.
        config.put("mail.store.http-port", Integer.toString(store.httpPort()));
        // The front end's identity towards the store, and the CA it checks the store's certificate against.
        config.putAll(TestCertificates.config(false));
        return config;
    }

    @Override
    public void stop() {
        if (store != null) {
            store.close();
            store = null;
        }
    }
}
