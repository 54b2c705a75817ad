package dev.mailplatform.localplatform;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * An S3 API server (s3proxy) inside this JVM, on 127.0.0.1, with signature V2 or V4 authentication.
 *
 * <p>With a directory, buckets are sub-directories of it and survive restarts of the process; without one,
 * everything is in memory. {@link #stop()} and {@link #restart()} take the server down and up again on the same port
 * with the same objects, for outage tests. No bucket is created here: the store creates its own.
 */
public final class EmbeddedS3Server implements AutoCloseable {

    public static final String DEFAULT_ACCESS_KEY = "mail-local";
    public static final String DEFAULT_SECRET_KEY = "mail-local-secret";

    private static final long STOP_TIMEOUT_MS = 0;

    private final BlobStore blobStore;
    private final String accessKey;
    private final String secretKey;
    private final Path dir;
    private final int port;
    private final Duration startupTime;
    private S3Proxy proxy;
    private boolean closed;

    private EmbeddedS3Server(S3Proxy proxy, BlobStore blobStore, String accessKey, String secretKey, Path dir,
            Duration startupTime) {
        this.proxy = proxy;
        this.blobStore = blobStore;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.dir = dir;
        this.port = proxy.getPort();
        this.startupTime = startupTime;
    }

    /** Starts a server with the default credentials. */
    public static EmbeddedS3Server start(Path dirOrNull, int portOr0) throws IOException {
        return start(dirOrNull, portOr0, DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY);
    }

    /**
     * Starts a server.
     *
     * @param dirOrNull the directory that holds the buckets (created if missing), or null to keep them in memory
     * @param portOr0 the TCP port on 127.0.0.1, or 0 for a free one
     */
    public static EmbeddedS3Server start(Path dirOrNull, int portOr0, String accessKey, String secretKey)
            throws IOException {
        long t0 = System.nanoTime();
        Path dir = null;
        BlobStore blobStore;
        if (dirOrNull == null) {
            blobStore = new TransientNio2BlobStore();
        } else {
            dir = dirOrNull.toAbsolutePath().normalize();
            Files.createDirectories(dir);
            blobStore = new FilesystemNio2BlobStore(dir.toString());
        }
        S3Proxy proxy = launch(blobStore, portOr0, accessKey, secretKey);
        return new EmbeddedS3Server(proxy, blobStore, accessKey, secretKey, dir,
                Duration.ofNanos(System.nanoTime() - t0));
    }

    private static S3Proxy launch(BlobStore blobStore, int port, String accessKey, String secretKey)
            throws IOException {
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                // No graceful phase: Jetty would wait on idle keep-alive connections; the owner stops clients first.
                .stopTimeout(STOP_TIMEOUT_MS)
                .build();
        try {
            proxy.start();
        } catch (Exception e) {
            try {
                proxy.stop();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new IOException("s3proxy did not start on 127.0.0.1:" + port, e);
        }
        return proxy;
    }

    /** The base URL, {@code http://127.0.0.1:PORT}. */
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** The port, the same across {@link #restart()}s. */
    public int port() {
        return port;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    /** The bucket directory, or null when the buckets are in memory. */
    public Path dir() {
        return dir;
    }

    public Duration startupTime() {
        return startupTime;
    }

    public synchronized boolean isRunning() {
        return proxy != null;
    }

    /** Stops serving; the objects are kept (in memory too) for {@link #restart()}. No-op if stopped. */
    public synchronized void stop() {
        if (proxy == null) {
            return;
        }
        S3Proxy running = proxy;
        proxy = null;
        try {
            running.stop();
        } catch (Exception e) {
            throw new IllegalStateException("stopping s3proxy on port " + port, e);
        }
    }

    /** Serves again on the same port with the same objects. No-op if running. */
    public synchronized void restart() throws IOException {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        if (proxy == null) {
            proxy = launch(blobStore, port, accessKey, secretKey);
        }
    }

    /** Stops the server for good. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        stop();
    }
}
