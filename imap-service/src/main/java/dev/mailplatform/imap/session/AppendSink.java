package dev.mailplatform.imap.session;

/** Where APPEND's literal goes while it streams from the client to the store. */
public interface AppendSink {

    /** False pauses reading from the client until {@link CommandLoop#resumeInput()}. */
    boolean accepting();

    void data(byte[] chunk);

    void end();

    /** The connection closed mid-literal: nothing may be stored. */
    void abort();
}
