package dev.mailplatform.store.domain;

import dev.mailplatform.store.error.StoreException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
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
    /** The bytes so far while they fit in memory; null once they went to the file. */
    private byte[] memory;
    private Path file;
    private OutputStream fileOut;
    private long size;

    /**
     * @param expectedSize the size the client declared, 0 if unknown: a message that fits in memory is then copied
     *     once, into an array of the right size, rather than into one that grows
     */
    public Spool(long maxSize, int memoryLimit, long expectedSize) {
        this.maxSize = maxSize;
        this.memoryLimit = memoryLimit;
        this.memory = new byte[(int) Math.max(0, Math.min(memoryLimit, expectedSize > 0 ? expectedSize : 8192))];
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

    /** Appends the buffer's remaining bytes (its position is left as it was). */
    public void write(ByteBuffer data) {
        int n = data.remaining();
        if (size + n > maxSize) {
            throw tooLarge(size + n, maxSize);
        }
        try {
            if (memory != null && size + n > memoryLimit) {
                file = Files.createTempFile("append-", ".eml");
                fileOut = Files.newOutputStream(file);
                fileOut.write(memory, 0, (int) size);
                memory = null;
            }
            if (memory != null) {
                if (size + n > memory.length) {
                    memory = Arrays.copyOf(memory, (int) Math.min(memoryLimit, Math.max(size + n, 2L * memory.length)));
                }
                data.duplicate().get(memory, (int) size, n);
                sha256.update(memory, (int) size, n);
            } else {
                byte[] chunk = new byte[n];
                data.duplicate().get(chunk);
                fileOut.write(chunk);
                sha256.update(chunk);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        size += n;
    }

    public long size() {
        return size;
    }

    /** Completes the spool and returns the SHA-256 of its bytes, in hex; afterwards it can be read any number of times. */
    public String finish() {
        try {
            if (fileOut != null) {
                fileOut.close();
                fileOut = null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    /** The bytes for indexing: the heap array itself for small messages, a read-only memory map for large ones. */
    public ByteBuffer buffer() {
        if (memory != null) {
            return ByteBuffer.wrap(memory, 0, (int) size);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bytes in memory (the first {@link #size()} of this array, not a copy: only read it), or null. */
    public byte[] memory() {
        return memory;
    }

    /** The temporary file that holds the bytes of a message too large for memory, or null. */
    public Path file() {
        return file;
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
