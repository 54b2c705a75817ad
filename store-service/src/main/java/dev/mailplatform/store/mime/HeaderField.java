package dev.mailplatform.store.mime;

/** One header field: its name, its unfolded raw value, and the byte range of the whole field in the message. */
record HeaderField(String name, String value, int start, int end) {
}
