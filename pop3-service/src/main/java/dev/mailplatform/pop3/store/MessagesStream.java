package dev.mailplatform.pop3.store;

/** A running FetchMessages stream with explicit demand: one response per request, none after cancel. */
public interface MessagesStream {

    /** Receives the stream on the executor given to {@link StoreClient#fetchMessages}, in order. */
    interface Receiver {
        /** Bytes of message {@code uid}; {@code last} ends that message. */
        void piece(int uid, byte[] data, boolean last);

        /** Message {@code uid} left the mailbox (an IMAP client expunged it during this session). */
        void gone(int uid);

        /** Every UID asked for was delivered. */
        void end();

        void failed(StoreCallException failure);
    }

    void request(int responses);

    void cancel();
}
