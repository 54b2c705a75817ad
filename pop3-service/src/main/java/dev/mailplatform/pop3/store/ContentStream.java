package dev.mailplatform.pop3.store;

/** A running FetchContent stream with explicit demand: nothing more arrives than was asked for. */
public interface ContentStream {

    /** Receives the stream on the executor given to {@link StoreClient#fetchContent}, in order. */
    interface Receiver {
        void chunk(byte[] data);

        void end();

        void failed(StoreCallException failure);
    }

    void request(int chunks);

    /** Stops the stream (TOP has its lines, or the client went away). */
    void cancel();
}
