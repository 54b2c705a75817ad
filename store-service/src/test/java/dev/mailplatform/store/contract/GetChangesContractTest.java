package dev.mailplatform.store.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.store.domain.Db;
import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.Flags;
import dev.mailplatform.store.v1.GetChangesRequest;
import dev.mailplatform.store.v1.GetChangesResponse;
import dev.mailplatform.store.v1.GetStatusRequest;
import dev.mailplatform.store.v1.MailboxStatus;
import dev.mailplatform.store.v1.StoreFlagsRequest;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * GetChanges answers a short list (the usual sync) in one response, head and lists together, and still streams a
 * list longer than a batch page by page, all of it, in order.
 */
@QuarkusTest
class GetChangesContractTest extends StoreContract {

    /** {@code mail.store.stream-batch-size}'s default. */
    private static final int BATCH = 10_000;

    @Inject
    Db db;

    private MailboxStatus status(Account a) {
        return mailboxes.getStatus(GetStatusRequest.newBuilder().setMailbox(ref(a, "INBOX")).build());
    }

    private List<GetChangesResponse> changes(Account a, long since) {
        return drain(messages.getChanges(GetChangesRequest.newBuilder().setMailbox(ref(a, "INBOX"))
                .setSinceModseq(since).setIncludeVanished(true).setClaimRecent(true).build()));
    }

    private static List<Integer> changed(List<GetChangesResponse> resp) {
        List<Integer> out = new ArrayList<>();
        resp.forEach(r -> r.getChangedList().forEach(m -> out.add(m.getUid())));
        return out;
    }

    private static List<Integer> vanished(List<GetChangesResponse> resp) {
        List<Integer> out = new ArrayList<>();
        resp.forEach(r -> out.addAll(r.getVanishedList()));
        return out;
    }

    @Test
    void aShortListIsOneResponseWithTheHead() {
        Account a = newAccount();
        for (int i = 0; i < 3; i++) {
            append(a, "INBOX", TestMessages.simple("c" + i, "x"));
        }
        long since = status(a).getHighestModseq();
        storeFlags(StoreFlagsRequest.newBuilder().setMailbox(ref(a, "INBOX")).setUids(uids(2, 2))
                .setFlags(Flags.newBuilder().setSystem(8)).build());
        storeFlags(StoreFlagsRequest.newBuilder().setMailbox(ref(a, "INBOX")).setUids(uids(3, 3))
                .setFlags(Flags.newBuilder().setSystem(1)).build());
        expunge(dev.mailplatform.store.v1.ExpungeRequest.newBuilder().setMailbox(ref(a, "INBOX")).build());
        append(a, "INBOX", TestMessages.simple("c-new", "x"));
        MailboxStatus now = status(a);

        List<GetChangesResponse> resp = changes(a, since);
        assertEquals(1, resp.size(), "head and both lists in one response: " + resp);
        GetChangesResponse r = resp.get(0);
        assertEquals(now.getHighestModseq(), r.getHighestModseq());
        assertEquals(5, r.getUidnext());
        assertEquals(3, r.getMessages());
        assertEquals(List.of(3, 4), changed(resp));
        assertEquals(List.of(2), vanished(resp));
        // Every message is new to this first claim.
        assertEquals(1, r.getRecentFromUid());
        assertEquals(4, r.getRecentThroughUid());

        // Nothing since: the head alone.
        List<GetChangesResponse> none = changes(a, now.getHighestModseq());
        assertEquals(1, none.size());
        assertEquals(List.of(), changed(none));
        assertEquals(List.of(), vanished(none));
        assertEquals(0, none.get(0).getRecentFromUid(), "claimed already");
    }

    @Test
    void aListLongerThanABatchIsStreamedWhole() {
        Account a = newAccount();
        append(a, "INBOX", TestMessages.simple("l1", "x"));
        append(a, "INBOX", TestMessages.simple("l2", "x"));
        MailboxStatus before = status(a);
        long since = before.getHighestModseq();
        storeFlags(StoreFlagsRequest.newBuilder().setMailbox(ref(a, "INBOX")).setUids(uids(1, 1))
                .setFlags(Flags.newBuilder().setSystem(4)).build());
        // More expunged UIDs than a page holds (written directly: 10,000 appends would take minutes), at a modseq
        // the mailbox's HIGHESTMODSEQ covers, as an expunge leaves them.
        int count = BATCH + 5;
        QuarkusTransaction.requiringNew().run(() -> {
            long modseq = db.one("UPDATE mailbox SET highest_modseq = highest_modseq + 1 WHERE id = ? "
                    + "RETURNING highest_modseq", rs -> rs.getLong(1), before.getMailboxId()).orElseThrow();
            db.update("INSERT INTO expunged (mailbox_id, uid, modseq) SELECT ?, g, ? FROM generate_series(1000, ?) g",
                    before.getMailboxId(), modseq, 1000L + count - 1);
        });

        List<GetChangesResponse> resp = changes(a, since);
        assertTrue(resp.size() > 1, "streamed in pages");
        assertEquals(status(a).getHighestModseq(), resp.get(0).getHighestModseq());
        assertEquals(3, resp.get(0).getUidnext());
        assertEquals(List.of(1), changed(resp));
        List<Integer> v = vanished(resp);
        assertEquals(count, v.size());
        for (int i = 0; i < count; i++) {
            assertEquals(1000 + i, v.get(i));
        }
        assertTrue(resp.stream().allMatch(r -> r.getVanishedCount() <= BATCH), "no page beyond a batch");
    }
}
