package dev.mailplatform.store.grpc;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.Supplier;

/**
 * The S3 stream a response stream reads from. Workers open, read and close it one at a time; the client's cancel,
 * which arrives on the event loop, only marks it, and the read in progress (one chunk at most) finishes before the
 * worker closes it. okio's sources must not be closed by one thread while another reads them: its timeout queue
 * breaks, and later requests on the pooled connection fail ("Unbalanced enter/exit").
 */
final class BlobSource {

    private InputStream in;
    private boolean reading;
    private boolean cancelled;

    /**
     * Reads up to len bytes into buf from the open stream, opening one with the opener first if none is open.
     *
     * @return the number of bytes read, as {@link InputStream#readNBytes(byte[], int, int)}; -1 once cancelled
     */
    int read(Supplier<InputStream> opener, byte[] buf, int len) throws IOException {
        InputStream s;
        synchronized (this) {
            if (cancelled) {
                return -1;
            }
            reading = true;
            s = in;
        }
        try {
            if (s == null) {
                s = opener.get();
                synchronized (this) {
                    in = s;
                }
            }
            return s.readNBytes(buf, 0, len);
        } finally {
            synchronized (this) {
                reading = false;
                if (cancelled) {
                    closeCurrent();
                }
            }
        }
    }

    /** Whether a stream is open (a message is part read). */
    synchronized boolean isOpen() {
        return in != null;
    }

    synchronized boolean isCancelled() {
        return cancelled;
    }

    /** The current message is read: closes its stream, so the next read opens another. Worker side. */
    synchronized void finish() {
        closeCurrent();
    }

    /** The response stream is over (end, error or cancel): closes now, or after the read in progress. */
    synchronized void cancel() {
        cancelled = true;
        if (!reading) {
            closeCurrent();
        }
    }

    private void closeCurrent() {
        InputStream s = in;
        in = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // nothing to do: the connection is discarded
            }
        }
    }
}
