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
 * <p>With a directory, buckets are sub-directories of it and survive restarts; without one, everything is in memory.
 * No bucket is created here: the store creates its own.
 */
public final class EmbeddedS3Server implements AutoCloseable {

    public static final String DEFAULT_ACCESS_KEY = "mail-local";
    public static final String DEFAULT_SECRET_KEY = "mail-local-secret";

    private static final long STOP_TIMEOUT_MS = 0;

    private final S3Proxy proxy;
    private final String accessKey;
    private final String secretKey;
    private final Path dir;
    private final Duration startupTime;
    // Jetty reports -1 once stopped; keep the port for messages after that.
    private final int port;
    private boolean closed;

    private EmbeddedS3Server(S3Proxy proxy, String accessKey, String secretKey, Path dir, Duration startupTime) {
        this.proxy = proxy;
        this.port = proxy.getPort();
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.dir = dir;
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
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://127.0.0.1:" + portOr0))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                // No graceful phase: Jetty would wait for idle keep-alive connections, and the owner stops clients first.
                .stopTimeout(STOP_TIMEOUT_MS)
                .build();
        try {
            proxy.start();
        } catch (Exception e) {
            stopQuietly(proxy, e);
            throw new IOException("s3proxy did not start on 127.0.0.1:" + portOr0, e);
        }
        return new EmbeddedS3Server(proxy, accessKey, secretKey, dir, Duration.ofNanos(System.nanoTime() - t0));
    }

    private static void stopQuietly(S3Proxy proxy, Exception cause) {
        try {
            proxy.stop();
        } catch (Exception e) {
            cause.addSuppressed(e);
        }
    }

    /** The base URL, {@code http://127.0.0.1:PORT}. */
    public String endpoint() {
        return "http://127.0.0.1:" + port();
    }

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

    /** Stops the server. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("stopping s3proxy on port " + port(), e);
        }
    }
}
