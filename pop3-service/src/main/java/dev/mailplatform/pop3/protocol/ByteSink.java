package dev.mailplatform.pop3.protocol;

import java.util.Arrays;

/** A growable byte array the encoders write into; reused for every chunk of one response. */
public final class ByteSink {

    private byte[] bytes;
    private int size;

    public ByteSink(int initialCapacity) {
        bytes = new byte[initialCapacity];
    }

    void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }

    void put(byte b) {
        if (size == bytes.length) {
            ensure(1);
        }
        bytes[size++] = b;
    }

    void put(byte[] b, int offset, int length) {
        ensure(length);
        System.arraycopy(b, offset, bytes, size, length);
        size += length;
    }

    public int size() {
        return size;
    }

    /** The bytes written since the last {@link #clear()}; valid until the next write. */
    public byte[] array() {
        return bytes;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    public void clear() {
        size = 0;
    }
}
