package dev.mailplatform.store.domain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.store.contract.StoreContract;
import dev.mailplatform.store.contract.TestMessages;
import dev.mailplatform.store.v1.Account;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A SEARCH of the message text in a mailbox of at most mail.store.search-scan-messages messages starts from that
 * mailbox: PostgreSQL, guessing that a header test matches one row of the all-accounts trigram index, had chosen it
 * for a 20-message INBOX and read every account's matching messages (50-90 ms a call instead of about 1).
 */
@QuarkusTest
class SearchPlanTest extends StoreContract {

    @Inject
    Db db;

    @Inject
    MessageSearch searches;

    @Inject
    MailboxStore mailboxes;

    private String plan(String sql, List<Object> p) {
        return String.join("\n", db.listPlannedPerCall("EXPLAIN " + sql, rs -> rs.getString(1), Db.args(p)));
    }

    @Test
    void aTextSearchOfASmallMailboxReadsTheMailboxNotTheTrigramIndexes() throws Exception {
        Account a = newAccount();
        for (int i = 0; i < 3; i++) {
            append(a, "INBOX", TestMessages.simple((i == 1 ? "plan multipart " : "plan plain ") + i, "body " + i));
        }
        MailboxStore.Row mb = mailboxes.find(a.getId(), "INBOX", false, 0);
        SearchKey subject = new SearchKey.Header("Subject", "multipart");
        SearchKey body = new SearchKey.Body("body");

        for (SearchKey key : List.of(subject, body)) {
            List<Object> p = new ArrayList<>();
            String plan = plan(searches.sql(mb, key, p), p);
            assertFalse(plan.contains("trgm"), plan);
            assertTrue(plan.contains("Nested Loop") && plan.contains("blob_pkey"), plan);
        }
        assertArrayEquals(new long[] {2}, searches.search(new MailboxRef(a.getId(), "INBOX", 0), subject).uids());
        assertArrayEquals(new long[] {1, 2, 3}, searches.search(new MailboxRef(a.getId(), "INBOX", 0), body).uids());

        // Past the limit the planner chooses, the trigram indexes included.
        MailboxStore.Row large = new MailboxStore.Row(mb.id(), mb.accountId(), mb.name(), mb.uidvalidity(),
                mb.uidnext(), mb.highestModseq(), 1_000_000, mb.unseen(), mb.size(), mb.specialUse());
        assertFalse(searches.sql(large, subject, new ArrayList<>()).contains("LATERAL"));
        // A search of flags alone reads no blob either way.
        assertFalse(searches.sql(mb, new SearchKey.FlagTest(1, List.of(), false), new ArrayList<>()).contains("blob"));
    }
}
