package dev.mailplatform.localplatform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.errors.ErrorResponseException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedS3ServerTest {

    @TempDir
    Path tmp;

    @Test
    void minioClientCanMakeABucketPutAndGet() throws Exception {
        try (EmbeddedS3Server s3 = EmbeddedS3Server.start(null, 0)) {
            assertTrue(s3.endpoint().startsWith("http://127.0.0.1:"), s3.endpoint());
            MinioClient client = client(s3, s3.accessKey(), s3.secretKey());
            assertFalse(client.bucketExists(BucketExistsArgs.builder().bucket("mail").build()));
            client.makeBucket(MakeBucketArgs.builder().bucket("mail").build());
            assertTrue(client.bucketExists(BucketExistsArgs.builder().bucket("mail").build()));
            byte[] body = "Subject: hi\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII);
            put(client, "ab/cd", body);
            assertArrayEquals(body, get(client, "ab/cd"));
        }
    }

    @Test
    void inMemoryObjectsSurviveStopAndRestartOnThePort() throws Exception {
        try (EmbeddedS3Server s3 = EmbeddedS3Server.start(null, 0)) {
            MinioClient client = client(s3, s3.accessKey(), s3.secretKey());
            client.makeBucket(MakeBucketArgs.builder().bucket("mail").build());
            byte[] body = "survives".getBytes(StandardCharsets.US_ASCII);
            put(client, "k", body);
            s3.stop();
            assertFalse(s3.isRunning());
            assertThrows(Exception.class, () -> get(client(s3, s3.accessKey(), s3.secretKey()), "k"));
            s3.restart();
            assertArrayEquals(body, get(client(s3, s3.accessKey(), s3.secretKey()), "k"));
        }
    }

    @Test
    void wrongCredentialsAreRejected() throws Exception {
        try (EmbeddedS3Server s3 = EmbeddedS3Server.start(null, 0)) {
            MinioClient client = client(s3, s3.accessKey(), "not-the-secret");
            ErrorResponseException e = assertThrows(ErrorResponseException.class,
                    () -> client.makeBucket(MakeBucketArgs.builder().bucket("mail").build()));
            assertEquals("SignatureDoesNotMatch", e.errorResponse().code());
        }
    }

    @Test
    void directoryBackendKeepsObjectsAcrossRestarts() throws Exception {
        Path dir = tmp.resolve("s3");
        byte[] body = "kept".getBytes(StandardCharsets.US_ASCII);
        try (EmbeddedS3Server s3 = EmbeddedS3Server.start(dir, 0)) {
            MinioClient client = client(s3, s3.accessKey(), s3.secretKey());
            client.makeBucket(MakeBucketArgs.builder().bucket("mail").build());
            put(client, "blob-1", body);
        }
        try (EmbeddedS3Server s3 = EmbeddedS3Server.start(dir, 0, "other-key", "other-secret")) {
            assertEquals("other-key", s3.accessKey());
            assertArrayEquals(body, get(client(s3, "other-key", "other-secret"), "blob-1"));
        }
    }

    private static MinioClient client(EmbeddedS3Server s3, String accessKey, String secretKey) {
        return MinioClient.builder().endpoint(s3.endpoint()).credentials(accessKey, secretKey).build();
    }

    private static void put(MinioClient client, String key, byte[] body) throws Exception {
        client.putObject(PutObjectArgs.builder().bucket("mail").object(key)
                .stream(new ByteArrayInputStream(body), (long) body.length, null).build());
    }

    private static byte[] get(MinioClient client, String key) throws Exception {
        try (InputStream in = client.getObject(GetObjectArgs.builder().bucket("mail").object(key).build())) {
            return in.readAllBytes();
        }
    }
}
