package dev.mailplatform.pop3.session;

import dev.mailplatform.pop3.store.MaildropSnapshot;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The locked maildrop of one session: the snapshot plus the DELE marks, which reach the store only at QUIT, and the
 * messages RETR sent, whose retrieval (retention clock, \Seen) is recorded at QUIT or when the connection ends.
 */
public final class Maildrop {

    private final MaildropSnapshot snapshot;
    private final BitSet deleted = new BitSet();
    private final BitSet retrieved = new BitSet();

    public Maildrop(MaildropSnapshot snapshot) {
        this.snapshot = snapshot;
    }

    public MaildropSnapshot snapshot() {
        return snapshot;
    }

    public int total() {
        return snapshot.count();
    }

    public boolean exists(int number) {
        return number >= 1 && number <= snapshot.count();
    }

    public boolean deleted(int number) {
        return deleted.get(number - 1);
    }

    public void delete(int number) {
        deleted.set(number - 1);
    }

    /** RETR sent message {@code number} whole. RSET does not undo this: the client has the message. */
    public void retrieved(int number) {
        retrieved.set(number - 1);
    }

    public List<Integer> retrievedUids() {
        List<Integer> uids = new ArrayList<>(retrieved.cardinality());
        retrieved.stream().forEach(i -> uids.add(snapshot.uids()[i]));
        return uids;
    }

    public void undeleteAll() {
        deleted.clear();
    }

    public int uid(int number) {
        return snapshot.uids()[number - 1];
    }

    public long size(int number) {
        return snapshot.sizes()[number - 1];
    }

    public String uniqueId(int number) {
        return snapshot.uniqueIds()[number - 1];
    }

    public int visibleCount() {
        return snapshot.count() - deleted.cardinality();
    }

    public long visibleSize() {
        long sum = 0;
        for (int i = 0; i < snapshot.count(); i++) {
            if (!deleted.get(i)) {
                sum += snapshot.sizes()[i];
            }
        }
        return sum;
    }

    public List<Integer> deletedUids() {
        List<Integer> uids = new ArrayList<>(deleted.cardinality());
        deleted.stream().forEach(i -> uids.add(snapshot.uids()[i]));
        return uids;
    }
}
