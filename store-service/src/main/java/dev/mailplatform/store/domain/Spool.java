package dev.mailplatform.store.domain;

import dev.mailplatform.store.error.StoreException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * An incoming message while it streams in: small ones in memory, large ones in a temporary file, hashed as they
 * arrive, and cut off at the size limit. The heap never holds a large message.
 */
public final class Spool implements AutoCloseable {

    private final long maxSize;
    private final int memoryLimit;
    private final MessageDigest sha256;
    private ByteArrayOutputStream memory = new ByteArrayOutputStream(8192);
    private Path file;
    private OutputStream fileOut;
    private long size;
    private byte[] digest;

    public Spool(long maxSize, int memoryLimit) {
        this.maxSize = maxSize;
        this.memoryLimit = memoryLimit;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static StoreException tooLarge(long size, long max) {
        return new StoreException(StoreException.Kind.RESOURCE_EXHAUSTED,
                "message size " + size + " exceeds the maximum of " + max + " bytes",
                Map.of("x-max-message-size", String.valueOf(max)));
    }

    public void write(byte[] data) {
        if (size + data.length > maxSize) {
            throw tooLarge(size + data.length, maxSize);
        }
        sha256.update(data);
        size += data.length;
        try {
            if (fileOut == null && memory.size() + data.length > memoryLimit) {
                file = Files.createTempFile("append-", ".eml");
                fileOut = Files.newOutputStream(file);
                memory.writeTo(fileOut);
                memory = null;
            }
            if (fileOut != null) {
                fileOut.write(data);
            } else {
                memory.write(data);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long size() {
        return size;
    }

    /** Completes the spool; afterwards it can be read any number of times. */
    public String finish() {
        try {
            if (fileOut != null) {
                fileOut.close();
                fileOut = null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        digest = sha256.digest();
        return HexFormat.of().formatHex(digest);
    }

    /** The bytes for indexing: a heap buffer for small messages, a read-only memory map for large ones. */
    public ByteBuffer buffer() {
        if (file == null) {
            return ByteBuffer.wrap(memory.toByteArray());
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public InputStream stream() {
        if (file == null) {
            return new ByteArrayInputStream(memory.toByteArray());
        }
        try {
            return Files.newInputStream(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            if (fileOut != null) {
                fileOut.close();
            }
            if (file != null) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // best effort: the temp dir is cleaned by the OS
        }
    }
}
