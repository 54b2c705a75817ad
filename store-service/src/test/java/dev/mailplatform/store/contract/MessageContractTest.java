package dev.mailplatform.store.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.AppendResponse;
import dev.mailplatform.store.v1.BodyPart;
import dev.mailplatform.store.v1.CopyRequest;
import dev.mailplatform.store.v1.CopyResponse;
import dev.mailplatform.store.v1.Envelope;
import dev.mailplatform.store.v1.ExpungeRequest;
import dev.mailplatform.store.v1.ExpungeResponse;
import dev.mailplatform.store.v1.FetchContentRequest;
import dev.mailplatform.store.v1.FetchContentResponse;
import dev.mailplatform.store.v1.FetchMessagesRequest;
import dev.mailplatform.store.v1.FetchMessagesResponse;
import dev.mailplatform.store.v1.FetchMetadataRequest;
import dev.mailplatform.store.v1.FetchMetadataResponse;
import dev.mailplatform.store.v1.Flags;
import dev.mailplatform.store.v1.FlagsMode;
import dev.mailplatform.store.v1.GetChangesRequest;
import dev.mailplatform.store.v1.GetChangesResponse;
import dev.mailplatform.store.v1.GetStatusRequest;
import dev.mailplatform.store.v1.MessageMetadata;
import dev.mailplatform.store.v1.MessageState;
import dev.mailplatform.store.v1.SectionKind;
import dev.mailplatform.store.v1.SelectRequest;
import dev.mailplatform.store.v1.SelectResponse;
import dev.mailplatform.store.v1.StoreFlagsRequest;
import dev.mailplatform.store.v1.StoreFlagsResponse;
import dev.mailplatform.store.v1.UidRange;
import dev.mailplatform.store.v1.UidSet;
import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
class MessageContractTest extends StoreContract {

    @jakarta.inject.Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    /** mail.store.append.bytes counts what was stored, once per committed append. */
    @Test
    void appendedBytesAreCounted() {
        Account a = newAccount();
        byte[] message = TestMessages.simple("metric", "counted once");
        double before = registry.counter("mail.store.append.bytes").count();
        append(a, "INBOX", message);
        assertEquals(before + message.length, registry.counter("mail.store.append.bytes").count());
    }

    @Test
    void appendThenSelectSnapshotStreamsEveryMessage() {
        Account a = newAccount();
        int n = 23;
        for (int i = 0; i < n; i++) {
            append(a, "INBOX", TestMessages.simple("m" + i, "body " + i), i % 2 == 0 ? 1 : 0,
                    i == 3 ? List.of("$Forwarded") : List.of());
        }
        List<SelectResponse> resp = drain(messages.select(SelectRequest.newBuilder().setMailbox(ref(a, "INBOX"))
                .build()));
        var header = resp.get(0).getHeader();
        assertEquals(n, header.getMessages());
        assertEquals(n + 1, header.getUidnext());
        assertEquals(n / 2, header.getUnseen());
        assertEquals(List.of("$Forwarded"), header.getKeywordsList());
        List<MessageState> states = new ArrayList<>();
        resp.stream().skip(1).forEach(r -> states.addAll(r.getBatch().getMessagesList()));
        assertEquals(n, states.size());
        for (int i = 0; i < n; i++) {
            assertEquals(i + 1, states.get(i).getUid());
            assertEquals(i % 2 == 0 ? 1 : 0, states.get(i).getSystemFlags());
            assertTrue(states.get(i).getModseq() > 0);
        }
        assertEquals(List.of("$Forwarded"), states.get(3).getKeywordsList());
        assertTrue(header.getComplete(), "one batch, read while the mailbox stayed at the header's modseq");
        assertEquals(2, resp.size(), "the header, then the one batch");

        SelectResponse empty = drain(messages.select(SelectRequest.newBuilder().setMailbox(ref(a, "Trash"))
                .build())).get(0);
        assertTrue(empty.getHeader().getComplete(), "an empty mailbox is complete too");
    }

    /**
     * SELECT reads its head, and FETCH its first page, with the mailbox's lookup in the same statement: an empty
     * answer still tells a mailbox that is gone, or whose UIDVALIDITY the client no longer has, from one without the
     * messages asked for. And SELECT claims \Recent only where the head shows unclaimed messages; EXAMINE claims none.
     */
    @Test
    void selectAndFetchTellAMissingMailboxFromAnEmptyAnswer() {
        Account a = newAccount();
        append(a, "INBOX", TestMessages.simple("r1", "x"), 0, List.of("$Label1"));
        append(a, "INBOX", TestMessages.simple("r2", "x"));
        SelectRequest examine = SelectRequest.newBuilder().setMailbox(ref(a, "INBOX")).build();
        SelectRequest select = examine.toBuilder().setClaimRecent(true).build();
        var peek = drain(messages.select(examine)).get(0).getHeader();
        assertEquals(1, peek.getRecentFromUid(), "EXAMINE: both are unclaimed");
        var first = drain(messages.select(select)).get(0).getHeader();
        assertEquals(1, first.getRecentFromUid(), "this SELECT claims both");
        assertEquals(3, first.getUidnext());
        assertEquals(List.of("$Label1"), first.getKeywordsList());
        var second = drain(messages.select(select)).get(0).getHeader();
        assertEquals(3, second.getRecentFromUid(), "nothing left to claim");
        assertEquals(3, drain(messages.select(examine)).get(0).getHeader().getRecentFromUid());
        int uidvalidity = first.getUidvalidity();

        var stale = ref(a, "INBOX").toBuilder().setExpectedUidvalidity(uidvalidity + 1).build();
        var current = ref(a, "INBOX").toBuilder().setExpectedUidvalidity(uidvalidity).build();
        assertStatus(Status.Code.FAILED_PRECONDITION, () -> drain(messages.fetchMetadata(
                FetchMetadataRequest.newBuilder().setMailbox(stale).setUids(all()).setFlags(true).build())));
        assertStatus(Status.Code.FAILED_PRECONDITION, () -> drain(messages.select(
                SelectRequest.newBuilder().setMailbox(stale).build())));
        assertStatus(Status.Code.NOT_FOUND, () -> drain(messages.fetchMetadata(
                FetchMetadataRequest.newBuilder().setMailbox(ref(a, "Nowhere")).setUids(all()).setFlags(true).build())));
        assertStatus(Status.Code.NOT_FOUND, () -> drain(messages.select(
                SelectRequest.newBuilder().setMailbox(ref(a, "Nowhere")).build())));
        assertEquals(0, drain(messages.fetchMetadata(FetchMetadataRequest.newBuilder().setMailbox(current)
                .setUids(uids(7, 9)).setFlags(true).build())).stream().mapToInt(r -> r.getMessagesCount()).sum());
        List<MessageMetadata> both = new ArrayList<>();
        drain(messages.fetchMetadata(FetchMetadataRequest.newBuilder().setMailbox(current).setUids(all())
                .setFlags(true).build())).forEach(r -> both.addAll(r.getMessagesList()));
        assertEquals(List.of(1, 2), both.stream().map(MessageMetadata::getUid).toList());
        assertEquals(List.of("$Label1"), both.get(0).getKeywordsList());
    }

    @Test
    void fetchMetadataFromTheIndex() {
        Account a = newAccount();
        byte[] msg = TestMessages.withAttachment("Report =?utf-8?q?Q1?=", "see attached", 3000, 1);
        AppendResponse ar = append(a, "INBOX", msg);
        List<MessageMetadata> md = new ArrayList<>();
        drain(messages.fetchMetadata(FetchMetadataRequest.newBuilder().setMailbox(ref(a, "INBOX")).setUids(all())
                .setFlags(true).setInternalDate(true).setSize(true).setEnvelope(true).setBodyStructure(true)
                .setModseq(true).setSaveDate(true).setEmailId(true).setPreview(true).addHeaderFields("subject")
                .addHeaderFields("TO").build())).forEach(r -> md.addAll(r.getMessagesList()));
        assertEquals(1, md.size());
        MessageMetadata m = md.get(0);
        assertEquals(ar.getUid(), m.getUid());
        assertEquals(msg.length, m.getSize());
        assertEquals(ar.getEmailId(), m.getEmailId());
        assertTrue(m.getInternalDate() > 0 && m.getSaveDate() > 0);
        Envelope e = m.getEnvelope();
        assertEquals("Report =?utf-8?q?Q1?=", e.getSubject(), "envelope strings are raw");
        assertEquals("Wed, 06 Mar 2024 08:00:00 +0100", e.getDate());
        assertEquals("alice", e.getFrom(0).getMailbox());
        assertEquals("example.org", e.getFrom(0).getHost());
        assertEquals("Alice", e.getFrom(0).getName());
        assertEquals(e.getFromList(), e.getSenderList(), "Sender defaults to From");
        assertEquals("bob", e.getTo(0).getMailbox());
        BodyPart s = m.getBodyStructure();
        assertEquals("multipart", s.getType());
        assertEquals("mixed", s.getSubtype());
        assertEquals(2, s.getPartsCount());
        assertEquals("text", s.getParts(0).getType());
        assertEquals("see attached".length() , s.getParts(0).getSize());
        assertEquals(1, s.getParts(0).getLines());
        assertEquals("application", s.getParts(1).getType());
        assertEquals("BASE64", s.getParts(1).getEncoding());
        assertEquals("attachment", s.getParts(1).getDisposition());
        assertEquals("data.bin", s.getParts(1).getDispositionParams(0).getValue());
        assertEquals("see attached", m.getPreview());
        assertEquals("To: bob@example.net\r\nSubject: Report =?utf-8?q?Q1?=\r\n\r\n",
                m.getHeaderFields().toStringUtf8());

        // Only what was asked for; CHANGEDSINCE filters.
        List<MessageMetadata> flagsOnly = new ArrayList<>();
        drain(messages.fetchMetadata(FetchMetadataRequest.newBuilder().setMailbox(ref(a, "INBOX")).setUids(all())
                .setFlags(true).setChangedSince(ar.getModseq()).build()))
                .forEach(r -> flagsOnly.addAll(r.getMessagesList()));
        assertTrue(flagsOnly.isEmpty());
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> drain(messages.fetchMetadata(FetchMetadataRequest.newBuilder()
                .setMailbox(ref(a, "INBOX")).setUids(uids(5, 2)).setFlags(true).build())));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> drain(messages.fetchMetadata(FetchMetadataRequest.newBuilder()
                .setMailbox(ref(a, "INBOX")).setUids(uids(0, 2)).setFlags(true).build())));
        assertStatus(Status.Code.NOT_FOUND, () -> drain(messages.fetchMetadata(FetchMetadataRequest.newBuilder()
                .setMailbox(ref(a, "Missing")).setUids(all()).setFlags(true).build())));
    }

    /**
     * Hardening item 2: a header bomb and a body of unclosed HTML tags, at the largest size APPEND takes, are stored
     * whole and quickly; only their index is bounded.
     */
    @Test
    void headerBombsAndHostileHtmlAreStoredWholeAndQuickly() {
        Account a = newAccount();
        int size = 5_000_000; // under the test profile's max-message-size
        StringBuilder bomb = new StringBuilder(size + 64).append("Subject: bomb\r\n");
        while (bomb.length() < size) {
            bomb.append("a:b\r\n");
        }
        bomb.append("\r\nbody\r\n");
        StringBuilder html = new StringBuilder(size + 64).append("Content-Type: text/html\r\n\r\n");
        while (html.length() < size) {
            html.append("<<<<<<<<<<");
        }
        for (StringBuilder m : List.of(bomb, html)) {
            byte[] bytes = m.toString().getBytes(StandardCharsets.US_ASCII);
            long start = System.nanoTime();
            int uid = assertTimeoutPreemptively(java.time.Duration.ofSeconds(30),
                    () -> append(a, "INBOX", bytes).getUid());
            System.out.printf("APPEND of a %d-byte hostile message: %d ms%n", bytes.length,
                    (System.nanoTime() - start) / 1_000_000);
            assertArrayEquals(bytes, fetchAll(a, "INBOX", uid));
        }
    }

    @Test
    void fetchContentSectionsAndPartials() {
        Account a = newAccount();
        byte[] msg = TestMessages.withAttachment("parts", "hello part one", 5000, 2);
        int uid = append(a, "INBOX", msg).getUid();
        String s = new String(msg, StandardCharsets.US_ASCII);
        int headerEnd = s.indexOf("\r\n\r\n") + 4;
        assertArrayEquals(msg, fetchAll(a, "INBOX", uid));
        assertEquals(s.substring(0, headerEnd), str(fetch(a, "INBOX", uid, part(SectionKind.SECTION_HEADER), 0, 0)));
        assertEquals(s.substring(headerEnd), str(fetch(a, "INBOX", uid, part(SectionKind.SECTION_TEXT), 0, 0)));
        assertEquals("hello part one", str(fetch(a, "INBOX", uid, part(SectionKind.SECTION_PART, 1), 0, 0)));
        assertEquals("Content-Type: text/plain; charset=us-ascii\r\n\r\n",
                str(fetch(a, "INBOX", uid, part(SectionKind.SECTION_MIME, 1), 0, 0)));
        assertEquals("part", str(fetch(a, "INBOX", uid, part(SectionKind.SECTION_PART, 1), 6, 4)));
        assertEquals("", str(fetch(a, "INBOX", uid, part(SectionKind.SECTION_PART, 1), 100, 4)),
                "a partial past the end is empty");
        // uint64 offsets and lengths above 2^63 (negative as Java longs) are past the end, or the whole rest.
        assertEquals("", str(fetch(a, "INBOX", uid, part(SectionKind.SECTION_PART, 1), Long.MIN_VALUE + 5, 4)));
        assertEquals("part one", str(fetch(a, "INBOX", uid, part(SectionKind.SECTION_PART, 1), 6, -1L)));
        assertEquals(Arrays.copyOfRange(msg, 10, msg.length).length,
                fetch(a, "INBOX", uid, part(SectionKind.SECTION_FULL), 10, 0).length);
        String att = str(fetch(a, "INBOX", uid, part(SectionKind.SECTION_PART, 2), 0, 0));
        assertTrue(att.endsWith("\r\n") == false && att.length() > 5000, "base64 body without the delimiter");
        assertEquals("Subject: parts\r\n\r\n", str(fetch(a, "INBOX", uid, dev.mailplatform.store.v1.Section.newBuilder()
                .setKind(SectionKind.SECTION_HEADER_FIELDS).addFields("SUBJECT").build(), 0, 0)));
        String not = str(fetch(a, "INBOX", uid, dev.mailplatform.store.v1.Section.newBuilder()
                .setKind(SectionKind.SECTION_HEADER_FIELDS_NOT).addFields("subject").addFields("date").build(), 0, 0));
        assertFalse(not.contains("Subject:"));
        assertTrue(not.startsWith("From: Alice"));

        // The first response carries the size of the whole section.
        FetchContentResponse first = messages.fetchContent(FetchContentRequest.newBuilder()
                .setMailbox(ref(a, "INBOX")).setUid(uid).setSection(part(SectionKind.SECTION_PART, 1)).setLength(2)
                .build()).next();
        assertEquals("hello part one".length(), first.getSectionSize());

        // set_seen (BODY[] without PEEK, POP3 RETR) sets \Seen in the same call and reports the new state.
        assertEquals(1, mailboxes.getStatus(GetStatusRequest.newBuilder().setMailbox(ref(a, "INBOX")).build())
                .getUnseen());
        FetchContentResponse seen = messages.fetchContent(FetchContentRequest.newBuilder()
                .setMailbox(ref(a, "INBOX")).setUid(uid).setSection(part(SectionKind.SECTION_PART, 1)).setSetSeen(true)
                .build()).next();
        assertEquals(1, seen.getNewState().getSystemFlags() & 1);
        assertTrue(seen.getNewState().getModseq() > 0);
        assertEquals(0, mailboxes.getStatus(GetStatusRequest.newBuilder().setMailbox(ref(a, "INBOX")).build())
                .getUnseen());

        assertStatus(Status.Code.NOT_FOUND, () -> fetch(a, "INBOX", uid, part(SectionKind.SECTION_PART, 3), 0, 0));
        assertStatus(Status.Code.NOT_FOUND, () -> fetch(a, "INBOX", uid + 7, part(SectionKind.SECTION_FULL), 0, 0));
        // A gone message is told from a missing part (IMAP's FETCH from the view leaves the first out, NILs the other).
        io.grpc.Metadata.Key<String> missing = io.grpc.Metadata.Key.of("x-missing",
                io.grpc.Metadata.ASCII_STRING_MARSHALLER);
        for (boolean setSeen : new boolean[] {false, true}) {
            io.grpc.StatusRuntimeException gone = (io.grpc.StatusRuntimeException) unwrap(org.junit.jupiter.api.Assertions.assertThrows(
                    RuntimeException.class, () -> drain(messages.fetchContent(FetchContentRequest.newBuilder()
                            .setMailbox(ref(a, "INBOX")).setUid(uid + 7).setSection(part(SectionKind.SECTION_FULL))
                            .setSetSeen(setSeen).build()))));
            assertEquals("message", gone.getTrailers().get(missing));
        }
        io.grpc.StatusRuntimeException noPart = (io.grpc.StatusRuntimeException) unwrap(org.junit.jupiter.api.Assertions.assertThrows(
                RuntimeException.class, () -> fetch(a, "INBOX", uid, part(SectionKind.SECTION_PART, 3), 0, 0)));
        assertEquals(null, noPart.getTrailers().get(missing));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> fetch(a, "INBOX", 0, part(SectionKind.SECTION_FULL), 0, 0));
        assertStatus(Status.Code.NOT_FOUND, () -> fetch(a, "Nope", uid, part(SectionKind.SECTION_FULL), 0, 0));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> fetch(a, "INBOX", uid, part(SectionKind.SECTION_TEXT, 1), 0, 0));
    }

    @Test
    void nestedMessageParts() {
        Account a = newAccount();
        int uid = append(a, "INBOX", TestMessages.nested()).getUid();
        assertEquals("outer text", str(fetch(a, "INBOX", uid, part(SectionKind.SECTION_PART, 1), 0, 0)));
        assertEquals("inner plain", str(fetch(a, "INBOX", uid, part(SectionKind.SECTION_PART, 2, 1), 0, 0)));
        assertEquals("<p>inner html</p>", str(fetch(a, "INBOX", uid, part(SectionKind.SECTION_PART, 2, 2), 0, 0)));
        String innerHeader = str(fetch(a, "INBOX", uid, part(SectionKind.SECTION_HEADER, 2), 0, 0));
        assertTrue(innerHeader.startsWith("From: inner@example.org\r\n") && innerHeader.endsWith("\r\n\r\n"));
        assertTrue(str(fetch(a, "INBOX", uid, part(SectionKind.SECTION_TEXT, 2), 0, 0)).startsWith("--inner\r\n"));
        MessageMetadata md = drain(messages.fetchMetadata(FetchMetadataRequest.newBuilder()
                .setMailbox(ref(a, "INBOX")).setUids(all()).setBodyStructure(true).build())).get(0).getMessages(0);
        BodyPart rfc822 = md.getBodyStructure().getParts(1);
        assertEquals("message", rfc822.getType());
        assertEquals("inner subject", rfc822.getMessageEnvelope().getSubject());
        assertEquals("alternative", rfc822.getMessageBody().getSubtype());
    }

    @Test
    void malformedMimeIsStoredAndFetchableAsRawBytes() {
        Account a = newAccount();
        byte[][] bad = {
            "no header separator at all, just text\nand a bare LF line".getBytes(StandardCharsets.ISO_8859_1),
            ("Content-Type: multipart/mixed; boundary=\"never\"\r\n\r\nno boundary ever appears\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1),
            ("Content-Type: multipart/mixed\r\n\r\nmultipart without boundary\r\n").getBytes(StandardCharsets.US_ASCII),
            ("Subject: \u00e9\u00ff 8bit\r\nFrom: <<<>>>\r\nDate: yesterday-ish\r\n"
                    + "Content-Type: text/plain; charset=x-unknown-cs\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                    + "!!!not base64!!!\r\n").getBytes(StandardCharsets.ISO_8859_1),
            new byte[] {0, 1, 2, (byte) 0xff, '\r', '\n', '\r', '\n', 0},
        };
        for (byte[] b : bad) {
            int uid = append(a, "INBOX", b).getUid();
            assertArrayEquals(b, fetchAll(a, "INBOX", uid));
            MessageMetadata md = drain(messages.fetchMetadata(FetchMetadataRequest.newBuilder()
                    .setMailbox(ref(a, "INBOX")).setUids(uids(uid, uid)).setBodyStructure(true).setEnvelope(true)
                    .build())).get(0).getMessages(0);
            assertEquals(b.length, md.getBodyStructure().getBodyEnd());
        }
    }

    @Test
    void storeFlagsModesKeywordsAndUnchangedSince() {
        Account a = newAccount();
        for (int i = 0; i < 4; i++) {
            append(a, "INBOX", TestMessages.simple("f" + i, "x"));
        }
        StoreFlagsResponse r = storeFlags(StoreFlagsRequest.newBuilder().setMailbox(ref(a, "INBOX"))
                .setUids(uids(1, 2)).setMode(FlagsMode.FLAGS_ADD)
                .setFlags(Flags.newBuilder().setSystem(1 | 4).addKeywords("$Label1")).build());
        assertEquals(2, r.getUpdatedCount());
        long m1 = r.getHighestModseq();
        assertEquals(m1, r.getUpdated(0).getModseq());
        assertEquals(5, r.getUpdated(0).getSystemFlags());
        assertEquals(List.of("$Label1"), r.getUpdated(0).getKeywordsList());
        assertEquals(2, mailboxes.getStatus(GetStatusRequest.newBuilder().setMailbox(ref(a, "INBOX")).build())
                .getUnseen());

        // Setting what is already set changes nothing and takes no modseq.
        StoreFlagsResponse same = storeFlags(StoreFlagsRequest.newBuilder().setMailbox(ref(a, "INBOX"))
                .setUids(uids(1, 2)).setMode(FlagsMode.FLAGS_ADD).setFlags(Flags.newBuilder().setSystem(1)).build());
        assertEquals(0, same.getUpdatedCount());
        assertEquals(m1, same.getHighestModseq());

        StoreFlagsResponse rm = storeFlags(StoreFlagsRequest.newBuilder().setMailbox(ref(a, "INBOX"))
                .setUids(uids(1, 1)).setMode(FlagsMode.FLAGS_REMOVE)
                .setFlags(Flags.newBuilder().setSystem(4).addKeywords("$Label1")).build());
        assertEquals(1, rm.getUpdated(0).getSystemFlags());
        assertEquals(0, rm.getUpdated(0).getKeywordsCount());
        assertTrue(rm.getHighestModseq() > m1);

        StoreFlagsResponse rep = storeFlags(StoreFlagsRequest.newBuilder().setMailbox(ref(a, "INBOX"))
                .setUids(all()).setMode(FlagsMode.FLAGS_REPLACE)
                .setFlags(Flags.newBuilder().setSystem(2).addKeywords("b").addKeywords("a")).build());
        assertEquals(4, rep.getUpdatedCount());
        rep.getUpdatedList().forEach(s -> {
            assertEquals(2, s.getSystemFlags());
            assertEquals(List.of("a", "b"), s.getKeywordsList());
        });
        assertEquals(4, mailboxes.getStatus(GetStatusRequest.newBuilder().setMailbox(ref(a, "INBOX")).build())
                .getUnseen());

        // UNCHANGEDSINCE: message 1 changes after the client's modseq, so it fails; 2..4 succeed.
        long since = rep.getHighestModseq();
        storeFlags(StoreFlagsRequest.newBuilder().setMailbox(ref(a, "INBOX")).setUids(uids(1, 1))
                .setMode(FlagsMode.FLAGS_ADD).setFlags(Flags.newBuilder().setSystem(16)).build());
        StoreFlagsResponse cond = storeFlags(StoreFlagsRequest.newBuilder().setMailbox(ref(a, "INBOX"))
                .setUids(all()).setMode(FlagsMode.FLAGS_ADD).setFlags(Flags.newBuilder().setSystem(4))
                .setUnchangedSince(since).build());
        assertEquals(List.of(1), cond.getFailedUidsList());
        assertEquals(3, cond.getUpdatedCount());

        assertStatus(Status.Code.INVALID_ARGUMENT, () -> storeFlags(StoreFlagsRequest.newBuilder()
                .setMailbox(ref(a, "INBOX")).setUids(all()).setFlags(Flags.newBuilder().addKeywords("bad word"))
                .build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> storeFlags(StoreFlagsRequest.newBuilder()
                .setMailbox(ref(a, "INBOX")).setUids(all()).setFlags(Flags.newBuilder().setSystem(64)).build()));
    }

    @Test
    void fetchMessagesStreamsWholeMessagesInTheOrderAsked() {
        Account a = newAccount();
        byte[] small = TestMessages.simple("one", "first");
        byte[] large = TestMessages.withAttachment("two", "second", 200_000, 3);
        byte[] third = TestMessages.simple("three", "third");
        byte[] expunged = TestMessages.simple("four", "gone soon");
        for (byte[] m : List.of(small, large, third, expunged)) {
            append(a, "INBOX", m);
        }
        storeFlags(StoreFlagsRequest.newBuilder().setMailbox(ref(a, "INBOX")).setUids(uids(4, 4))
                .setMode(FlagsMode.FLAGS_ADD).setFlags(Flags.newBuilder().setSystem(8)).build());
        expunge(ExpungeRequest.newBuilder().setMailbox(ref(a, "INBOX")).build());

        List<FetchMessagesResponse> rs = drain(messages.fetchMessages(FetchMessagesRequest.newBuilder()
                .setMailbox(ref(a, "INBOX")).addAllUids(List.of(3, 1, 4, 2)).build()));
        java.util.Map<Integer, java.io.ByteArrayOutputStream> got = new java.util.LinkedHashMap<>();
        java.util.Map<Integer, Integer> responses = new java.util.HashMap<>();
        Integer open = null;
        for (FetchMessagesResponse r : rs) {
            if (open == null) {
                assertFalse(got.containsKey(r.getUid()), "each message is sent once, whole");
                got.put(r.getUid(), new java.io.ByteArrayOutputStream());
                if (!r.getGone()) {
                    assertEquals(List.of(small, large, third).get(r.getUid() - 1).length, r.getSize(),
                            "the first response of a message carries its size");
                }
                open = r.getUid();
            }
            assertEquals(open, r.getUid(), "a message's responses are not interleaved with another's");
            got.get(r.getUid()).writeBytes(r.getData().toByteArray());
            responses.merge(r.getUid(), 1, Integer::sum);
            if (r.getLast()) {
                open = null;
            }
        }
        assertEquals(null, open, "the stream ends after a message's last response");
        assertEquals(List.of(3, 1, 4, 2), new ArrayList<>(got.keySet()), "in the order asked");
        assertArrayEquals(third, got.get(3).toByteArray());
        assertArrayEquals(small, got.get(1).toByteArray());
        assertArrayEquals(large, got.get(2).toByteArray());
        assertTrue(responses.get(2) > 1, "a large message comes in several chunks");
        FetchMessagesResponse gone = rs.stream().filter(r -> r.getUid() == 4).findFirst().orElseThrow();
        assertTrue(gone.getGone() && gone.getLast() && gone.getData().isEmpty(), "an expunged UID is reported gone");
        assertEquals(1, responses.get(4));

        assertStatus(Status.Code.INVALID_ARGUMENT, () -> drain(messages.fetchMessages(FetchMessagesRequest.newBuilder()
                .setMailbox(ref(a, "INBOX")).build())));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> drain(messages.fetchMessages(FetchMessagesRequest.newBuilder()
                .setMailbox(ref(a, "INBOX")).addAllUids(List.of(1, 2, 1)).build())));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> drain(messages.fetchMessages(FetchMessagesRequest.newBuilder()
                .setMailbox(ref(a, "INBOX")).addUids(0).build())));
        List<Integer> tooMany = new ArrayList<>();
        for (int i = 1; i <= 1001; i++) {
            tooMany.add(i);
        }
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> drain(messages.fetchMessages(FetchMessagesRequest.newBuilder()
                .setMailbox(ref(a, "INBOX")).addAllUids(tooMany).build())));
        assertStatus(Status.Code.NOT_FOUND, () -> drain(messages.fetchMessages(FetchMessagesRequest.newBuilder()
                .setMailbox(ref(a, "Nope")).addUids(1).build())));
    }

    /** RFC 6851 §3.3: MOVE (and COPY) into the mailbox the messages are in gives them new UIDs. */
    @Test
    void moveIntoTheSameMailboxGivesNewUidsAndExpungesTheOriginals() {
        Account a = newAccount();
        for (int i = 0; i < 3; i++) {
            append(a, "INBOX", TestMessages.simple("s" + i, "self " + i), i == 0 ? 1 : 0, List.of("$k" + i));
        }
        long usedBefore = usage(a);
        byte[] before = fetchAll(a, "INBOX", 1);
        // The whole range, "*" included: the copies' new UIDs fall in it too, and must not be expunged.
        CopyResponse mv = move(CopyRequest.newBuilder().setSource(ref(a, "INBOX")).setUids(all())
                .setDestination("INBOX").build());
        assertEquals(3, mv.getMappingsCount());
        assertEquals(1, mv.getMappings(0).getSourceUid());
        assertEquals(4, mv.getMappings(0).getDestinationUid());
        assertEquals(6, mv.getMappings(2).getDestinationUid());
        var st = mailboxes.getStatus(GetStatusRequest.newBuilder().setMailbox(ref(a, "INBOX")).build());
        assertEquals(3, st.getMessages());
        assertEquals(7, st.getUidnext());
        assertEquals(usedBefore, usage(a), "a move leaves the usage as it was");
        assertArrayEquals(before, fetchAll(a, "INBOX", 4), "the same message under its new UID");
        assertTrue(mv.getSourceHighestModseq() > 0);

        CopyResponse cp = copy(CopyRequest.newBuilder().setSource(ref(a, "INBOX")).setUids(uids(4, 4))
                .setDestination("INBOX").build());
        assertEquals(7, cp.getMappings(0).getDestinationUid());
        assertEquals(4, mailboxes.getStatus(GetStatusRequest.newBuilder().setMailbox(ref(a, "INBOX")).build())
                .getMessages());
    }

    @Test
    void copyMoveAndExpunge() {
        Account a = newAccount();
        for (int i = 0; i < 5; i++) {
            append(a, "INBOX", TestMessages.simple("c" + i, "copy me " + i), i == 4 ? 8 : 0, List.of());
        }
        long usedBefore = usage(a);
        CopyResponse c = copy(CopyRequest.newBuilder().setSource(ref(a, "INBOX"))
                .setUids(UidSet.newBuilder().addRanges(UidRange.newBuilder().setFirst(2).setLast(3))
                        .addRanges(UidRange.newBuilder().setFirst(5).setLast(5))).setDestination("Archive").build());
        assertEquals(3, c.getMappingsCount());
        assertEquals(2, c.getMappings(0).getSourceUid());
        assertEquals(1, c.getMappings(0).getDestinationUid());
        assertEquals(5, c.getMappings(2).getSourceUid());
        assertEquals(3, c.getMappings(2).getDestinationUid());
        assertEquals(usedBefore * 8 / 5 , usage(a), 200, "copies count against the quota");
        assertArrayEquals(fetchAll(a, "INBOX", 2), fetchAll(a, "Archive", 1));

        long beforeMove = usage(a);
        CopyResponse mv = move(CopyRequest.newBuilder().setSource(ref(a, "INBOX")).setUids(uids(1, 1))
                .setDestination("Trash").build());
        assertEquals(1, mv.getMappings(0).getDestinationUid());
        assertEquals(beforeMove, usage(a), "a move does not change the usage");
        assertEquals(4, mailboxes.getStatus(GetStatusRequest.newBuilder().setMailbox(ref(a, "INBOX")).build())
                .getMessages());
        assertStatus(Status.Code.NOT_FOUND, () -> copy(CopyRequest.newBuilder().setSource(ref(a, "INBOX"))
                .setUids(all()).setDestination("Nowhere").build()));

        // EXPUNGE removes only \Deleted messages; UID EXPUNGE only those of the set.
        storeFlags(StoreFlagsRequest.newBuilder().setMailbox(ref(a, "INBOX")).setUids(uids(2, 3))
                .setMode(FlagsMode.FLAGS_ADD).setFlags(Flags.newBuilder().setSystem(8)).build());
        ExpungeResponse e1 = expunge(ExpungeRequest.newBuilder().setMailbox(ref(a, "INBOX"))
                .setUids(uids(3, 5)).build());
        assertEquals(List.of(3, 5), e1.getExpungedUidsList());
        ExpungeResponse e2 = expunge(ExpungeRequest.newBuilder().setMailbox(ref(a, "INBOX")).build());
        assertEquals(List.of(2), e2.getExpungedUidsList());
        assertTrue(e2.getHighestModseq() > e1.getHighestModseq());
        var st = mailboxes.getStatus(GetStatusRequest.newBuilder().setMailbox(ref(a, "INBOX")).build());
        assertEquals(1, st.getMessages());
        assertEquals(6, st.getUidnext(), "UIDs are never reused");
    }

    @Test
    void getChangesReportsFlagChangesAndVanishedUids() {
        Account a = newAccount();
        for (int i = 0; i < 4; i++) {
            append(a, "INBOX", TestMessages.simple("g" + i, "x"));
        }
        long since = mailboxes.getStatus(GetStatusRequest.newBuilder().setMailbox(ref(a, "INBOX")).build())
                .getHighestModseq();
        storeFlags(StoreFlagsRequest.newBuilder().setMailbox(ref(a, "INBOX")).setUids(uids(2, 2))
                .setFlags(Flags.newBuilder().setSystem(1)).build());
        storeFlags(StoreFlagsRequest.newBuilder().setMailbox(ref(a, "INBOX")).setUids(uids(4, 4))
                .setFlags(Flags.newBuilder().setSystem(8)).build());
        expunge(ExpungeRequest.newBuilder().setMailbox(ref(a, "INBOX")).build());
        append(a, "INBOX", TestMessages.simple("g-new", "x"));
        List<GetChangesResponse> resp = drain(messages.getChanges(GetChangesRequest.newBuilder()
                .setMailbox(ref(a, "INBOX")).setSinceModseq(since).setIncludeVanished(true).build()));
        List<Integer> changed = new ArrayList<>();
        List<Integer> vanished = new ArrayList<>();
        resp.forEach(r -> {
            r.getChangedList().forEach(s -> changed.add(s.getUid()));
            vanished.addAll(r.getVanishedList());
        });
        assertEquals(List.of(2, 5), changed);
        assertEquals(List.of(4), vanished);
        assertEquals(6, resp.get(0).getUidnext());
        assertEquals(4, resp.get(0).getMessages());
    }

    @jakarta.inject.Inject
    dev.mailplatform.store.domain.Db db;

    /**
     * GetChanges is one snapshot, at the HIGHESTMODSEQ its head reports: rows whose modseq is above it (a change
     * committing while the pages are read) are left for the next call, so a message expunged meanwhile is never both
     * changed and vanished, nor a change reported that the head's modseq does not cover.
     */
    @Test
    void getChangesIsOneSnapshotAtTheModseqOfItsHead() {
        Account a = newAccount();
        for (int i = 0; i < 3; i++) {
            append(a, "INBOX", TestMessages.simple("s" + i, "x"));
        }
        var status = mailboxes.getStatus(GetStatusRequest.newBuilder().setMailbox(ref(a, "INBOX")).build());
        long head = status.getHighestModseq();
        // What a writer that has not yet moved the mailbox's HIGHESTMODSEQ leaves visible: rows above it.
        io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() -> {
            db.update("UPDATE message SET modseq = ? WHERE mailbox_id = ? AND uid = 1", head + 1,
                    status.getMailboxId());
            db.update("INSERT INTO expunged (mailbox_id, uid, modseq) VALUES (?, 99, ?)", status.getMailboxId(),
                    head + 1);
        });
        List<GetChangesResponse> resp = drain(messages.getChanges(GetChangesRequest.newBuilder()
                .setMailbox(ref(a, "INBOX")).setSinceModseq(0).setIncludeVanished(true).build()));
        List<Integer> changed = new ArrayList<>();
        List<Integer> vanished = new ArrayList<>();
        resp.forEach(r -> {
            r.getChangedList().forEach(m -> changed.add(m.getUid()));
            vanished.addAll(r.getVanishedList());
        });
        assertEquals(head, resp.get(0).getHighestModseq());
        assertEquals(List.of(2, 3), changed, "uid 1's change is above the head's modseq");
        assertEquals(List.of(), vanished, "so is uid 99's expunge");
    }

    private long usage(Account a) {
        return accounts.getAccount(dev.mailplatform.store.v1.GetAccountRequest.newBuilder().setId(a.getId()).build())
                .getStorageUsed();
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
