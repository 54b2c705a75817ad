package dev.mailplatform.imap.protocol;

/** {@code +FLAGS}, {@code -FLAGS} and {@code FLAGS} of STORE. */
public enum StoreMode {
    ADD, REMOVE, REPLACE
}
