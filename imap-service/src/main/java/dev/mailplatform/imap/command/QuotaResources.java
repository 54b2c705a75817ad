package dev.mailplatform.imap.command;

import dev.mailplatform.imap.protocol.ResponseWriter;
import dev.mailplatform.store.v1.Quota;

/** The QUOTA response (RFC 9208): STORAGE in KiB (rounded up), MESSAGE in messages; unlimited ones are left out. */
final class QuotaResources {

    private QuotaResources() {
    }

    static void write(ResponseWriter w, Quota q) {
        w.untagged().atom("QUOTA").sp().astring(q.getRoot()).sp().open();
        boolean first = true;
        if (q.getStorageLimit() > 0) {
            w.atom("STORAGE").sp().number((q.getStorageUsed() + 1023) / 1024).sp().number(q.getStorageLimit() / 1024);
            first = false;
        }
        if (q.getMessageLimit() > 0) {
            if (!first) {
                w.sp();
            }
            w.atom("MESSAGE").sp().number(q.getMessagesUsed()).sp().number(q.getMessageLimit());
        }
        w.close().crlf();
    }
}
