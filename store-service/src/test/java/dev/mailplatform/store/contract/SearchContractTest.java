package dev.mailplatform.store.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.AgeTest;
import dev.mailplatform.store.v1.AppendHeader;
import dev.mailplatform.store.v1.DateOp;
import dev.mailplatform.store.v1.DateTest;
import dev.mailplatform.store.v1.FlagTest;
import dev.mailplatform.store.v1.Flags;
import dev.mailplatform.store.v1.HeaderTest;
import dev.mailplatform.store.v1.SearchKey;
import dev.mailplatform.store.v1.SearchKeyList;
import dev.mailplatform.store.v1.SearchRequest;
import dev.mailplatform.store.v1.SearchResponse;
import dev.mailplatform.store.v1.SizeTest;
import dev.mailplatform.testkit.StoreInfraResource;
import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class SearchContractTest extends StoreContract {

    Account a;

    private int add(String headers, String body, int flags, List<String> keywords, String internalDate) {
        byte[] m = (headers + "\r\n" + body + "\r\n").getBytes(StandardCharsets.UTF_8);
        return append(AppendHeader.newBuilder().setMailbox(ref(a, "INBOX"))
                .setFlags(Flags.newBuilder().setSystem(flags).addAllKeywords(keywords))
                .setInternalDate(Instant.parse(internalDate).toEpochMilli()).setDeclaredSize(m.length).build(), m, 4096)
                .getUid();
    }

    @BeforeEach
    void mailbox() {
        a = newAccount();
        // 1: plain, seen+flagged, keyword
        add("From: Alice Smith <alice@example.org>\r\nTo: bob@example.net\r\nCc: carol@example.com\r\n"
                + "Subject: Quarterly report\r\nDate: Mon, 04 Mar 2024 10:00:00 +0000\r\nX-Mailer: Acme 1.0\r\n",
                "The numbers are in. Revenue grew.", 1 | 4, List.of("$Work"), "2024-03-04T10:00:00Z");
        // 2: encoded-word subject, quoted-printable body, unseen, answered
        add("From: =?utf-8?q?J=C3=BCrgen?= <juergen@example.de>\r\nTo: alice@example.org\r\n"
                + "Bcc: secret@example.org\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe_aus_Berlin?=\r\n"
                + "Date: Tue, 05 Mar 2024 12:00:00 +0100\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n",
                "Sch=C3=B6ne Gr=C3=BC=C3=9Fe und bis bald", 2, List.of(), "2024-03-05T11:00:00Z");
        // 3: base64 body, deleted+draft, big
        add("From: bob@example.net\r\nTo: alice@example.org\r\nSubject: Invoice 42\r\n"
                + "Date: Wed, 06 Mar 2024 09:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n"
                + "Content-Transfer-Encoding: base64\r\n",
                java.util.Base64.getMimeEncoder().encodeToString(("Please pay the invoice. " + "x".repeat(3000))
                        .getBytes(StandardCharsets.US_ASCII)), 8 | 16, List.of("$Work", "$Urgent"),
                "2024-03-06T09:00:00Z");
        // 4: no Date header; the internal date stands in for the sent date
        add("From: dave@example.com\r\nTo: alice@example.org\r\nSubject: lunch?\r\n", "Pizza at noon (50% off)",
                0, List.of(), "2024-03-07T12:00:00Z");
    }

    private List<Integer> search(SearchKey key) {
        List<Integer> out = new ArrayList<>();
        for (SearchResponse r : drain(messages.search(SearchRequest.newBuilder().setMailbox(ref(a, "INBOX"))
                .setCriteria(key).build()))) {
            out.addAll(r.getUidsList());
        }
        return out;
    }

    static SearchKey header(String field, String value) {
        return SearchKey.newBuilder().setHeader(HeaderTest.newBuilder().setField(field).setValue(value)).build();
    }

    static SearchKey flags(int system, boolean absent, String... keywords) {
        return SearchKey.newBuilder().setFlags(FlagTest.newBuilder().setSystem(system).setAbsent(absent)
                .addAllKeywords(List.of(keywords))).build();
    }

    static SearchKey date(boolean sent, DateOp op, String day) {
        DateTest t = DateTest.newBuilder().setOp(op).setDate(day).build();
        return sent ? SearchKey.newBuilder().setSentDate(t).build() : SearchKey.newBuilder().setInternalDate(t).build();
    }

    /**
     * SENTON and its kin compare the Date field's day "disregarding time and timezone" (RFC 3501): the day the sender
     * wrote, not the day in UTC. A row stored before the day was kept is still found by its day in UTC.
     */
    @Test
    void sentDatesAreTheDaysAsWritten() throws Exception {
        a = newAccount();
        int evening = add("From: x@example.org\r\nSubject: evening\r\nDate: Thu, 07 Mar 2024 23:30:00 -0500\r\n", "e",
                0, List.of(), "2024-03-08T04:31:00Z");
        int morning = add("From: x@example.org\r\nSubject: morning\r\nDate: Fri, 08 Mar 2024 00:30:00 +0200\r\n",
                "m", 0, List.of(), "2024-03-07T22:31:00Z");
        int obsolete = add("From: x@example.org\r\nSubject: obsolete\r\nDate: Thu, 07 Mar 2024 21:00:00 EST\r\n", "o",
                0, List.of(), "2024-03-08T02:01:00Z");
        assertEquals(List.of(evening, obsolete), search(date(true, DateOp.DATE_ON, "2024-03-07")));
        assertEquals(List.of(morning), search(date(true, DateOp.DATE_ON, "2024-03-08")));
        assertEquals(List.of(evening, obsolete), search(date(true, DateOp.DATE_BEFORE, "2024-03-08")));
        assertEquals(List.of(morning), search(date(true, DateOp.DATE_SINCE, "2024-03-08")));
        // The internal dates are on the other side of midnight UTC.
        assertEquals(List.of(morning), search(date(false, DateOp.DATE_ON, "2024-03-07")));

        try (java.sql.Connection c = java.sql.DriverManager.getConnection(StoreInfraResource.jdbcUrl(),
                StoreInfraResource.dbUser(), StoreInfraResource.dbPassword());
                java.sql.PreparedStatement ps = c.prepareStatement("UPDATE blob SET sent_day = NULL WHERE hash = "
                        + "(SELECT blob_hash FROM message m JOIN mailbox x ON x.id = m.mailbox_id "
                        + "WHERE x.account_id = ? AND m.uid = ?)")) {
            ps.setLong(1, a.getId());
            ps.setLong(2, evening);
            assertEquals(1, ps.executeUpdate());
        }
        assertEquals(List.of(obsolete), search(date(true, DateOp.DATE_ON, "2024-03-07")));
        assertEquals(List.of(evening, morning), search(date(true, DateOp.DATE_ON, "2024-03-08")));
    }

    static SearchKey age(long seconds, boolean older) {
        return SearchKey.newBuilder().setInternalAge(AgeTest.newBuilder().setSeconds(seconds).setOlder(older)).build();
    }

    @Test
    void olderAndYoungerMeasureFromTheStoresClock() {
        a = newAccount();
        Instant now = Instant.now();
        int weekOld = add("Subject: a\r\n", "a", 0, List.of(), now.minusSeconds(7 * 86400).toString());
        int hourOld = add("Subject: b\r\n", "b", 0, List.of(), now.minusSeconds(3600).toString());
        int fresh = add("Subject: c\r\n", "c", 0, List.of(), now.minusSeconds(5).toString());
        assertEquals(List.of(fresh), search(age(600, false)));
        assertEquals(List.of(weekOld, hourOld), search(age(600, true)));
        assertEquals(List.of(hourOld, fresh), search(age(86400, false)));
        assertEquals(List.of(weekOld), search(age(86400, true)));
        assertEquals(List.of(weekOld, hourOld, fresh), search(age(30L * 86400, false)));
        for (long bad : new long[] {0, 4_294_967_296L}) {
            var e = org.junit.jupiter.api.Assertions.assertThrows(io.grpc.StatusRuntimeException.class,
                    () -> search(age(bad, true)));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        }
    }

    @Test
    void everyKindOfKey() {
        assertEquals(List.of(1, 2, 3, 4), search(SearchKey.newBuilder().setAll(true).build()));
        assertEquals(List.of(2, 3), search(SearchKey.newBuilder().setUid(uids(2, 3)).build()));
        // flags
        assertEquals(List.of(1), search(flags(1, false)));
        assertEquals(List.of(2, 3, 4), search(flags(1, true)));
        assertEquals(List.of(2), search(flags(2, false)));
        assertEquals(List.of(1), search(flags(4, false)));
        assertEquals(List.of(3), search(flags(8, false)));
        assertEquals(List.of(3), search(flags(16, false)));
        assertEquals(List.of(1, 3), search(flags(0, false, "$Work")));
        assertEquals(List.of(3), search(flags(0, false, "$Work", "$Urgent")));
        assertEquals(List.of(2, 4), search(flags(0, true, "$Work")));
        // header fields: case-insensitive substrings, confined to the field, encoded words decoded
        assertEquals(List.of(1), search(header("from", "ALICE")));
        assertEquals(List.of(3), search(header("From", "bob")));
        assertEquals(List.of(1), search(header("to", "bob")));
        assertEquals(List.of(1), search(header("cc", "carol")));
        assertEquals(List.of(2), search(header("bcc", "secret")));
        assertEquals(List.of(2), search(header("subject", "grüße")));
        assertEquals(List.of(2), search(header("from", "Jürgen")));
        assertEquals(List.of(1), search(header("X-Mailer", "acme")));
        assertEquals(List.of(1), search(header("x-mailer", "")));
        assertEquals(List.of(4), search(header("subject", "lunch?")));
        // body and text: decoded transfer encodings, LIKE wildcards taken literally
        assertEquals(List.of(2), search(SearchKey.newBuilder().setBody("schöne").build()));
        assertEquals(List.of(3), search(SearchKey.newBuilder().setBody("PAY THE INVOICE").build()));
        assertEquals(List.of(4), search(SearchKey.newBuilder().setBody("50%").build()));
        assertEquals(List.of(), search(SearchKey.newBuilder().setBody("Quarterly").build()));
        assertEquals(List.of(1), search(SearchKey.newBuilder().setText("quarterly").build()));
        assertEquals(List.of(1), search(SearchKey.newBuilder().setText("revenue").build()));
        // dates
        assertEquals(List.of(1, 2), search(date(false, DateOp.DATE_BEFORE, "2024-03-06")));
        assertEquals(List.of(3), search(date(false, DateOp.DATE_ON, "2024-03-06")));
        assertEquals(List.of(3, 4), search(date(false, DateOp.DATE_SINCE, "2024-03-06")));
        assertEquals(List.of(2), search(date(true, DateOp.DATE_ON, "2024-03-05")));
        assertEquals(List.of(4), search(date(true, DateOp.DATE_SINCE, "2024-03-07")));
        assertTrue(search(SearchKey.newBuilder().setSaveDate(DateTest.newBuilder().setOp(DateOp.DATE_SINCE)
                .setDate("2024-01-01")).build()).size() == 4);
        // size
        assertEquals(List.of(3), search(SearchKey.newBuilder().setSize(SizeTest.newBuilder().setLarger(true)
                .setSize(2000)).build()));
        assertEquals(List.of(1, 2, 4), search(SearchKey.newBuilder().setSize(SizeTest.newBuilder().setLarger(false)
                .setSize(2000)).build()));
        // modseq: message 4 was appended last
        long modseq = drain(messages.search(SearchRequest.newBuilder().setMailbox(ref(a, "INBOX"))
                .setCriteria(SearchKey.newBuilder().setUid(uids(4, 4))).build())).get(0).getHighestModseq();
        assertEquals(List.of(4), search(SearchKey.newBuilder().setModseqAtLeast(modseq).build()));
        // boolean structure
        SearchKey or = SearchKey.newBuilder().setOr(SearchKeyList.newBuilder().addKeys(header("from", "dave"))
                .addKeys(flags(2, false))).build();
        assertEquals(List.of(2, 4), search(or));
        assertEquals(List.of(1, 3), search(SearchKey.newBuilder().setNot(or).build()));
        SearchKey and = SearchKey.newBuilder().setAnd(SearchKeyList.newBuilder().addKeys(header("to", "alice"))
                .addKeys(flags(1, true))).build();
        assertEquals(List.of(2, 3, 4), search(and));
    }

    @Test
    void badCriteriaAreRefused() {
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> search(date(false, DateOp.DATE_ON, "5-Mar-2024")));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> search(header("bad field", "x")));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> search(SearchKey.newBuilder().setUid(uids(3, 1)).build()));
        SearchKey deep = SearchKey.newBuilder().setAll(true).build();
        // Deeper than the store's limit (64), within protobuf's own (100).
        for (int i = 0; i < 70; i++) {
            deep = SearchKey.newBuilder().setNot(deep).build();
        }
        SearchKey tooDeep = deep;
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> search(tooDeep));
        assertStatus(Status.Code.NOT_FOUND, () -> drain(messages.search(SearchRequest.newBuilder()
                .setMailbox(ref(a, "Nope")).setCriteria(SearchKey.newBuilder().setAll(true)).build())));
    }
}
