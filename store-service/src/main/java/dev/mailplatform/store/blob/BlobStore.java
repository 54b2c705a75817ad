package dev.mailplatform.store.blob;

import dev.mailplatform.store.config.StoreConfig;
import dev.mailplatform.store.error.StoreException;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.Http;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioAsyncClient;
import io.minio.MinioClient;
import io.minio.PutObjectAPIArgs;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.UploadObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Message bytes in S3, one immutable object per distinct content, keyed by its SHA-256. Every S3 failure becomes
 * {@link StoreException.Kind#UNAVAILABLE}: callers retry, and the bucket is checked again on the next call.
 */
@ApplicationScoped
public class BlobStore {

    private static final Logger LOG = Logger.getLogger(BlobStore.class);
    private static final okhttp3.MediaType MESSAGE = okhttp3.MediaType.get("message/rfc822");

    private final MinioClient client;
    /** The same connections as {@link #client}: its S3-level putObject takes a payload hash we already have. */
    private final MinioAsyncClient uploads;
    private final String bucket;
    private final BlobCache cache;
    private volatile boolean bucketReady;

    public BlobStore(StoreConfig config) {
        okhttp3.OkHttpClient http = httpClient();
        this.client = MinioClient.builder()
                .httpClient(http, true)
                .endpoint(config.s3().endpoint())
                .credentials(config.s3().accessKey(), config.s3().secretKey())
                .region(config.s3().region())
                .build();
        this.uploads = MinioAsyncClient.builder()
                .httpClient(http, false)
                .endpoint(config.s3().endpoint())
                .credentials(config.s3().accessKey(), config.s3().secretKey())
                .region(config.s3().region())
                .build();
        this.bucket = config.s3().bucket();
        this.cache = new BlobCache(config.s3().cacheBytes(), config.s3().cacheMaxObject());
    }

    /**
     * The SDK's default HTTP client allows 5 concurrent requests per host and leaves Nagle's algorithm on, so a PUT
     * whose headers and body go out in two writes waits for a delayed ACK (40 ms). Appends are concurrent and
     * latency-bound: allow many parallel requests and send segments at once.
     */
    private static okhttp3.OkHttpClient httpClient() {
        okhttp3.Dispatcher dispatcher = new okhttp3.Dispatcher();
        dispatcher.setMaxRequests(256);
        dispatcher.setMaxRequestsPerHost(128);
        javax.net.SocketFactory plain = javax.net.SocketFactory.getDefault();
        return new okhttp3.OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .connectionPool(new okhttp3.ConnectionPool(64, 5, java.util.concurrent.TimeUnit.MINUTES))
                .socketFactory(new NoDelaySocketFactory(plain))
                .connectTimeout(java.time.Duration.ofSeconds(5))
                .readTimeout(java.time.Duration.ofSeconds(60))
                .writeTimeout(java.time.Duration.ofSeconds(60))
                .retryOnConnectionFailure(true)
                .build();
    }

    /** "ab/cd/abcd…": a two-level prefix keeps listings and filesystem backends fast. */
    public static String key(String sha256Hex) {
        return "blobs/" + sha256Hex.substring(0, 2) + "/" + sha256Hex.substring(2, 4) + "/" + sha256Hex;
    }

    public static String hashOf(String key) {
        return key.substring(key.lastIndexOf('/') + 1);
    }

    /** Whether S3 answers for the bucket now: for readiness, never cached (ensureBucket is, for the write path). */
    public boolean bucketReachable() {
        try {
            return call(() -> client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build()));
        } catch (RuntimeException e) {
            return false;
        }
    }

    public void ensureBucket() {
        if (bucketReady) {
            return;
        }
        call(() -> {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                try {
                    client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
                } catch (ErrorResponseException e) {
                    String code = e.errorResponse().code();
                    if (!"BucketAlreadyOwnedByYou".equals(code) && !"BucketAlreadyExists".equals(code)) {
                        throw e;
                    }
                }
            }
            bucketReady = true;
            return null;
        });
    }

    /** Stores data[0, length), whose SHA-256 is hash (hex). */
    public void put(String hash, byte[] data, int length) {
        ensureBucket();
        call(() -> uploads.putObject(new PutObjectAPIArgs(PutObjectArgs.builder().bucket(bucket).object(key(hash))
                .data(data, length).build(), data, length, MESSAGE, payloadHeaders(hash))).get());
    }

    /** Stores the file's first length bytes, whose SHA-256 is hash (hex). */
    public void put(String hash, Path file, long length) {
        ensureBucket();
        call(() -> {
            try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
                UploadObjectArgs args = UploadObjectArgs.builder().bucket(bucket).object(key(hash))
                        .filename(file.toString()).build();
                return uploads.putObject(new PutObjectAPIArgs(args, in, length, MESSAGE, payloadHeaders(hash))).get();
            }
        });
    }

    /**
     * We already have the payload's SHA-256 (it is the key), so it goes as the object's checksum, which the server
     * verifies against the bytes it receives. The SDK would otherwise hash the bytes again for the signature and
     * compute a CRC besides; the payload is sent as UNSIGNED-PAYLOAD, and the signature covers the checksum header.
     */
    private static Http.Headers payloadHeaders(String hash) {
        return new Http.Headers(Http.Headers.X_AMZ_CONTENT_SHA256, "UNSIGNED-PAYLOAD",
                Http.Headers.X_AMZ_CHECKSUM_SHA256, Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hash)));
    }

    public boolean exists(String hash) {
        return lastModified(hash) != null;
    }

    /** When the object was last written, or null when there is none. */
    public Instant lastModified(String hash) {
        ensureBucket();
        return call(() -> {
            try {
                var st = client.statObject(StatObjectArgs.builder().bucket(bucket).object(key(hash)).build());
                return st.lastModified() == null ? Instant.EPOCH : st.lastModified().toInstant();
            } catch (ErrorResponseException e) {
                if ("NoSuchKey".equals(e.errorResponse().code()) || "NoSuchObject".equals(e.errorResponse().code())) {
                    return null;
                }
                throw e;
            }
        });
    }

    /** Bytes [offset, offset+length) of a blob. The caller closes the stream. */
    public InputStream read(String hash, long offset, long length) {
        ensureBucket();
        return call(() -> {
            GetObjectArgs.Builder b = GetObjectArgs.builder().bucket(bucket).object(key(hash)).offset(offset);
            if (length >= 0) {
                b.length(length);
            }
            return client.getObject(b.build());
        });
    }

    /**
     * Bytes [offset, offset+length) of a blob of {@code blobSize} bytes. A small blob is read whole once and then
     * served from memory ({@link BlobCache}); a large one is a ranged GET, as {@link #read(String, long, long)}.
     */
    public InputStream read(String hash, long blobSize, long offset, long length) {
        if (!cache.admits(blobSize)) {
            return read(hash, offset, length);
        }
        byte[] data = cache.get(hash);
        if (data == null) {
            try (InputStream in = read(hash, 0, -1)) {
                data = in.readAllBytes();
            } catch (java.io.IOException e) {
                bucketReady = false;
                throw new StoreException(StoreException.Kind.UNAVAILABLE, "object storage read failed");
            }
            if (data.length != blobSize) {
                throw new StoreException(StoreException.Kind.UNAVAILABLE, "object storage returned " + data.length
                        + " bytes of a " + blobSize + " byte blob");
            }
            cache.put(hash, data);
        }
        int from = (int) Math.min(offset, data.length);
        int n = (int) (length < 0 ? data.length - from : Math.min(length, data.length - from));
        return new java.io.ByteArrayInputStream(data, from, n);
    }

    public void delete(String hash) {
        ensureBucket();
        call(() -> {
            client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key(hash)).build());
            return null;
        });
    }

    /**
     * One page of the bucket's blob keys in key order: at most {@code max} keys after {@code startAfter} (null for
     * the beginning). {@code last} is the last key listed, or null when the listing reached the end.
     */
    public record Listing(List<String> olderHashes, String last) {
    }

    /** Lists the next page of blob keys; only those last written before the cutoff are returned as hashes. */
    public Listing listOlderThan(String startAfter, int max, Instant cutoff) {
        ensureBucket();
        return call(() -> {
            ListObjectsArgs.Builder args = ListObjectsArgs.builder().bucket(bucket).prefix("blobs/").recursive(true)
                    .maxKeys(Math.min(max, 1000));
            if (startAfter != null) {
                args.startAfter(startAfter);
            }
            List<String> older = new ArrayList<>();
            String last = null;
            int n = 0;
            for (Result<Item> r : client.listObjects(args.build())) {
                Item item = r.get();
                Instant modified = item.lastModified() == null ? Instant.EPOCH : item.lastModified().toInstant();
                if (modified.isBefore(cutoff)) {
                    older.add(hashOf(item.objectName()));
                }
                last = item.objectName();
                if (++n >= max) {
                    return new Listing(older, last);
                }
            }
            return new Listing(older, null);
        });
    }

    @FunctionalInterface
    interface S3Call<T> {
        T run() throws Exception;
    }

    private <T> T call(S3Call<T> c) {
        try {
            return c.run();
        } catch (StoreException e) {
            throw e;
        } catch (Exception e) {
            bucketReady = false;
            LOG.warnf("S3 call failed: %s", e.toString());
            throw new StoreException(StoreException.Kind.UNAVAILABLE, "object storage unavailable: " + e.getClass().getSimpleName());
        }
    }
}
