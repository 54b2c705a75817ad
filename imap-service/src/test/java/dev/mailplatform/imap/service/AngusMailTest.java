package dev.mailplatform.imap.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.CreateAccountRequest;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.activation.DataHandler;
import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Quota;
import jakarta.mail.QuotaAwareStore;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.event.MessageChangedEvent;
import jakarta.mail.event.MessageChangedListener;
import jakarta.mail.event.MessageCountEvent;
import jakarta.mail.event.MessageCountListener;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.search.BodyTerm;
import jakarta.mail.search.ComparisonTerm;
import jakarta.mail.search.FlagTerm;
import jakarta.mail.search.OrTerm;
import jakarta.mail.search.ReceivedDateTerm;
import jakarta.mail.search.SentDateTerm;
import jakarta.mail.search.SubjectTerm;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.TestInfo;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.angus.mail.imap.AppendUID;
import org.eclipse.angus.mail.imap.IMAPBodyPart;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPMessage;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.junit.jupiter.api.Test;

/**
 * The IMAP front end driven by a real client library, Jakarta Mail (Eclipse Angus Mail), over real sockets against the
 * real store: folders, APPEND with APPENDUID, partial FETCH of one body part, flags, SEARCH, MOVE and COPY with
 * COPYUID, IDLE notifications from another connection, STARTTLS, IMAPS and QUOTA.
 */
@QuarkusTest
class AngusMailTest extends ImapTestBase {

    /** Matches a tagged NO or BAD in a Jakarta Mail protocol trace (its tags are A0, A1, ...). */
    private static final Pattern TAGGED_FAILURE = Pattern.compile("(?m)^[A-Z]\\d+ (NO|BAD)\\b");

    /** An IDLE command and then the server's continuation in a protocol trace: the server is idling. */
    private static final Pattern IDLE_STARTED = Pattern.compile("(?ms)^[A-Z]\\d+ IDLE\\s*$.*?^\\+ ");

    // ---------------------------------------------------------------- helpers

    private static Properties imapProperties() {
        Properties p = new Properties();
        p.setProperty("mail.store.protocol", "imap");
        p.setProperty("mail.imap.host", "127.0.0.1");
        p.setProperty("mail.imap.port", String.valueOf(PORT));
        p.setProperty("mail.imap.connectiontimeout", "10000");
        p.setProperty("mail.imap.timeout", "20000");
        return p;
    }

    /** Every session's protocol trace, written to target/angus-traces after each test. */
    private final List<ByteArrayOutputStream> traces = new CopyOnWriteArrayList<>();

    @AfterEach
    void writeTraces(TestInfo info) throws Exception {
        Path dir = Path.of("target", "angus-traces");
        Files.createDirectories(dir);
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < traces.size(); i++) {
            all.append("==== session ").append(i).append('\n').append(text(traces.get(i)));
        }
        Files.writeString(dir.resolve(info.getTestMethod().map(m -> m.getName()).orElse("unknown") + ".log"), all);
        traces.clear();
    }

    private Session session() {
        return tracedSession(imapProperties(), new ByteArrayOutputStream());
    }

    /** A session whose protocol trace goes to {@code trace}. */
    private Session tracedSession(Properties p, ByteArrayOutputStream trace) {
        traces.add(trace);
        Session s = Session.getInstance(p);
        s.setDebugOut(new PrintStream(trace, true, StandardCharsets.UTF_8));
        s.setDebug(true);
        return s;
    }

    private static IMAPStore open(Session s, Account a) throws MessagingException {
        IMAPStore store = (IMAPStore) s.getStore("imap");
        store.connect(a.getAddress(), PASSWORD);
        return store;
    }

    private static String text(ByteArrayOutputStream trace) {
        return trace.toString(StandardCharsets.UTF_8);
    }

    private static Date date(int year, int month, int day) {
        return Date.from(LocalDate.of(year, month, day).atTime(12, 0).atZone(ZoneId.of("UTC")).toInstant());
    }

    static byte[] attachmentBytes(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (i * 31 + (i >>> 8));
        }
        return b;
    }

    /** A multipart/mixed message with a text part and a binary attachment, as the bytes a client would send. */
    static byte[] multipart(Session s, String subject, String text, byte[] attachment) throws Exception {
        MimeMessage m = new MimeMessage(s);
        m.setFrom(new InternetAddress("alice@example.test", "Alice"));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress("bob@example.test"));
        m.setSubject(subject);
        m.setSentDate(date(2024, 6, 1));
        MimeBodyPart body = new MimeBodyPart();
        // Canonical CRLF line ends: Jakarta Mail's APPEND turns bare LFs into CRLF (CRLFOutputStream), so only a
        // canonical message can come back byte for byte.
        body.setText(crlf(text), "utf-8");
        MimeBodyPart file = new MimeBodyPart();
        file.setDataHandler(new DataHandler(new ByteArrayDataSource(attachment, "application/octet-stream")));
        file.setFileName("photo.jpg");
        file.setDisposition(Part.ATTACHMENT);
        MimeMultipart mp = new MimeMultipart("mixed");
        mp.addBodyPart(body);
        mp.addBodyPart(file);
        m.setContent(mp);
        m.saveChanges();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        return out.toByteArray();
    }

    static byte[] plain(Session s, String subject, String text, Date sent) throws Exception {
        MimeMessage m = new MimeMessage(s);
        m.setFrom(new InternetAddress("carol@example.test"));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress("bob@example.test"));
        m.setSubject(subject);
        m.setSentDate(sent);
        m.setText(crlf(text), "us-ascii");
        m.saveChanges();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        return out.toByteArray();
    }

    /** A message parsed from bytes: unmodified, so its writeTo gives back exactly those bytes. */
    static MimeMessage parsed(Session s, byte[] raw) throws MessagingException {
        return new MimeMessage(s, new ByteArrayInputStream(raw));
    }

    static byte[] rawOf(Message m) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        return out.toByteArray();
    }

    /** Byte equality, reporting where and how the two differ. */
    static void assertSameBytes(byte[] expected, byte[] actual, String what) {
        int i = 0;
        while (i < expected.length && i < actual.length && expected[i] == actual[i]) {
            i++;
        }
        if (i == expected.length && i == actual.length) {
            return;
        }
        int from = Math.max(0, i - 60);
        String e = new String(expected, from, Math.min(expected.length, i + 60) - from, StandardCharsets.ISO_8859_1);
        String a = new String(actual, from, Math.min(actual.length, i + 60) - from, StandardCharsets.ISO_8859_1);
        assertArrayEquals(expected, actual, what + ": first difference at " + i + " of " + expected.length + "/"
                + actual.length + "\nexpected ..." + e.replace("\r", "\\r").replace("\n", "\\n") + "\nactual   ..."
                + a.replace("\r", "\\r").replace("\n", "\\n"));
    }

    static long[] append(Store store, String folder, Session s, byte[]... raws) throws Exception {
        IMAPFolder f = (IMAPFolder) store.getFolder(folder);
        Message[] msgs = new Message[raws.length];
        for (int i = 0; i < raws.length; i++) {
            msgs[i] = parsed(s, raws[i]);
        }
        AppendUID[] uids = f.appendUIDMessages(msgs);
        long[] out = new long[uids.length];
        for (int i = 0; i < uids.length; i++) {
            assertNotNull(uids[i], "APPENDUID for message " + i);
            out[i] = uids[i].uid;
        }
        return out;
    }

    // ---------------------------------------------------------------- folders

    @Test
    void defaultFoldersWithSpecialUseThenCreateRenameSubscribeDelete() throws Exception {
        Account a = newAccount();
        Session s = session();
        IMAPStore store = open(s, a);
        try {
            Folder root = store.getDefaultFolder();
            assertEquals('/', root.getSeparator());
            Folder[] all = root.list("*");
            Set<String> names = Arrays.stream(all).map(Folder::getFullName).collect(Collectors.toSet());
            assertEquals(Set.of("INBOX", "Sent", "Drafts", "Trash", "Junk", "Archive"), names);
            for (Folder f : all) {
                List<String> attrs = Arrays.asList(((IMAPFolder) f).getAttributes());
                assertTrue(attrs.contains("\\HasNoChildren"), f.getFullName() + " " + attrs);
                if (!f.getFullName().equals("INBOX")) {
                    assertTrue(attrs.contains("\\" + f.getFullName()),
                            f.getFullName() + " has its special-use attribute: " + attrs);
                }
                assertTrue((f.getType() & Folder.HOLDS_MESSAGES) != 0, f.getFullName());
            }

            // A nested folder: its parent comes into being with it.
            Folder q4 = store.getFolder("Projects/2026/Q4");
            assertFalse(q4.exists());
            assertTrue(q4.create(Folder.HOLDS_MESSAGES));
            assertTrue(q4.exists());
            Folder projects = store.getFolder("Projects");
            assertTrue(projects.exists());
            assertEquals(List.of("Projects/2026"),
                    Arrays.stream(projects.list()).map(Folder::getFullName).toList());
            assertTrue(Arrays.asList(((IMAPFolder) store.getFolder("Projects/2026")).getAttributes())
                    .contains("\\HasChildren"));
            assertEquals("Projects/2026", q4.getParent().getFullName());

            // Rename moves the subtree.
            Folder work = store.getFolder("Work");
            assertTrue(projects.renameTo(work));
            assertFalse(store.getFolder("Projects").exists());
            assertFalse(store.getFolder("Projects/2026/Q4").exists());
            assertTrue(store.getFolder("Work").exists());
            assertTrue(store.getFolder("Work/2026/Q4").exists());

            // Subscribe and unsubscribe.
            Folder workQ4 = store.getFolder("Work/2026/Q4");
            assertFalse(workQ4.isSubscribed());
            workQ4.setSubscribed(true);
            assertTrue(workQ4.isSubscribed());
            assertTrue(Arrays.stream(root.listSubscribed("*")).map(Folder::getFullName).toList()
                    .contains("Work/2026/Q4"));
            workQ4.setSubscribed(false);
            assertFalse(store.getFolder("Work/2026/Q4").isSubscribed());

            // Delete a leaf, then a whole subtree.
            assertTrue(workQ4.delete(false));
            assertFalse(store.getFolder("Work/2026/Q4").exists());
            assertTrue(store.getFolder("Work/2026").exists());
            assertTrue(store.getFolder("Work").delete(true));
            assertFalse(store.getFolder("Work").exists());
            assertFalse(store.getFolder("Work/2026").exists());
            Set<String> after = Arrays.stream(root.list("*")).map(Folder::getFullName).collect(Collectors.toSet());
            assertEquals(Set.of("INBOX", "Sent", "Drafts", "Trash", "Junk", "Archive"), after);
        } finally {
            store.close();
        }
    }

    // ---------------------------------------------------------------- append and read back

    @Test
    void appendMultipartAndPlainThenReadBackExactBytes() throws Exception {
        Account a = newAccount();
        Session s = session();
        byte[] attachment = attachmentBytes(5000);
        byte[] mixed = multipart(s, "Holiday photos", "Hello Bob, photos attached.\n", attachment);
        byte[] plainMsg = plain(s, "Just text", "plain body\n", date(2025, 3, 4));
        IMAPStore store = open(s, a);
        try {
            IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
            AppendUID[] uids = inbox.appendUIDMessages(new Message[] {parsed(s, mixed), parsed(s, plainMsg)});
            assertEquals(2, uids.length);
            assertNotNull(uids[0], "APPENDUID");
            assertNotNull(uids[1], "APPENDUID");
            assertEquals(uids[0].uidvalidity, uids[1].uidvalidity);
            assertTrue(uids[1].uid > uids[0].uid, uids[0].uid + " < " + uids[1].uid);

            // Folder.appendMessages as well (no UIDs asked for).
            Folder drafts = store.getFolder("Drafts");
            drafts.appendMessages(new Message[] {parsed(s, plainMsg)});
            assertEquals(1, drafts.getMessageCount());

            inbox.open(Folder.READ_ONLY);
            assertEquals(2, inbox.getMessageCount());
            assertEquals(uids[0].uidvalidity, inbox.getUIDValidity());
            Message m1 = inbox.getMessageByUID(uids[0].uid);
            Message m2 = inbox.getMessageByUID(uids[1].uid);
            assertNotNull(m1);
            assertNotNull(m2);
            assertEquals(uids[0].uid, ((UIDFolder) inbox).getUID(m1));
            assertEquals(uids[1].uid, inbox.getUID(inbox.getMessage(2)));
            assertEquals(1, m1.getMessageNumber());

            assertSameBytes(mixed, rawOf(m1), "the multipart message comes back byte for byte");
            assertSameBytes(plainMsg, rawOf(m2), "the plain message comes back byte for byte");
            assertEquals(mixed.length, m1.getSize());
            assertEquals(plainMsg.length, m2.getSize());

            assertEquals("Holiday photos", m1.getSubject());
            assertEquals(date(2024, 6, 1), m1.getSentDate());
            assertEquals(date(2024, 6, 1), m1.getReceivedDate(), "the internal date is the one APPEND gave");
            Multipart mp = (Multipart) m1.getContent();
            assertEquals(2, mp.getCount());
            assertEquals("Hello Bob, photos attached.\r\n", mp.getBodyPart(0).getContent());
            assertEquals("photo.jpg", mp.getBodyPart(1).getFileName());
            assertTrue(Part.ATTACHMENT.equalsIgnoreCase(mp.getBodyPart(1).getDisposition()));
            try (InputStream in = mp.getBodyPart(1).getInputStream()) {
                assertArrayEquals(attachment, in.readAllBytes(), "the attachment decodes to the same bytes");
            }
            assertEquals("plain body\r\n", m2.getContent());
            assertFalse(m1.isSet(Flags.Flag.SEEN), "a READ_ONLY folder fetches with PEEK");
            inbox.close(false);
        } finally {
            store.close();
        }
    }

    // ---------------------------------------------------------------- partial fetch

    @Test
    void fetchesOnlyTheTextPartNotTheAttachment() throws Exception {
        Account a = newAccount();
        Session plainSession = session();
        byte[] attachment = attachmentBytes(200_000);
        byte[] mixed = multipart(plainSession, "Big attachment", "Just the text, please.\n", attachment);
        IMAPStore appender = open(plainSession, a);
        try {
            append(appender, "INBOX", plainSession, mixed);
        } finally {
            appender.close();
        }

        Properties p = imapProperties();
        p.setProperty("mail.imap.partialfetch", "true");
        p.setProperty("mail.imap.fetchsize", "16384");
        ByteArrayOutputStream trace = new ByteArrayOutputStream();
        Session s = tracedSession(p, trace);
        IMAPStore store = open(s, a);
        try {
            IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            IMAPMessage m = (IMAPMessage) inbox.getMessage(1);
            FetchProfile fp = new FetchProfile();
            fp.add(FetchProfile.Item.ENVELOPE);
            fp.add(FetchProfile.Item.CONTENT_INFO);
            inbox.fetch(new Message[] {m}, fp);
            assertEquals("Big attachment", m.getSubject());
            int before = trace.size();

            Multipart mp = (Multipart) m.getContent();
            assertEquals(2, mp.getCount());
            IMAPBodyPart textPart = assertInstanceOf(IMAPBodyPart.class, mp.getBodyPart(0));
            IMAPBodyPart filePart = assertInstanceOf(IMAPBodyPart.class, mp.getBodyPart(1));
            assertTrue(textPart.isMimeType("text/plain"));
            assertEquals("Just the text, please.\r\n", textPart.getContent());
            // What BODYSTRUCTURE said about the attachment is known without fetching it.
            assertEquals("photo.jpg", filePart.getFileName());
            assertTrue("base64".equalsIgnoreCase(filePart.getEncoding()), filePart.getEncoding());
            assertTrue(filePart.getSize() > 200_000, "encoded size " + filePart.getSize());
            inbox.close(false);

            String t = text(trace);
            String afterBodyStructure = t.substring(before);
            assertTrue(t.contains("BODYSTRUCTURE"), t);
            assertTrue(afterBodyStructure.contains("BODY.PEEK[1]") || afterBodyStructure.contains("BODY[1]"),
                    "the text part was fetched by its section: " + afterBodyStructure);
            for (String never : List.of("BODY[]", "BODY.PEEK[]", "BODY[2]", "BODY.PEEK[2]", "RFC822 ",
                    "RFC822)", "RFC822.TEXT", "BODY[TEXT]", "BODY.PEEK[TEXT]")) {
                assertFalse(t.contains(never), "the server was asked for " + never + ": " + t);
            }
            assertTrue(trace.size() < 100_000,
                    "the 200 KB attachment never crossed the wire; the whole trace is " + trace.size() + " bytes");
            assertFalse(TAGGED_FAILURE.matcher(t).find(), t);
        } finally {
            store.close();
        }
    }

    // ---------------------------------------------------------------- flags

    @Test
    void flagsAndKeywordsAreSeenByASecondConnection() throws Exception {
        Account a = newAccount();
        Session s = session();
        IMAPStore first = open(s, a);
        IMAPStore second = open(session(), a);
        try {
            long[] uids = append(first, "INBOX", s, plain(s, "flag me", "body\n", date(2025, 1, 2)),
                    plain(s, "leave me", "body\n", date(2025, 1, 3)));
            IMAPFolder inbox = (IMAPFolder) first.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            assertTrue(inbox.getPermanentFlags().contains(Flags.Flag.USER), "keywords may be set");
            Message m = inbox.getMessageByUID(uids[0]);
            m.setFlag(Flags.Flag.SEEN, true);
            m.setFlag(Flags.Flag.FLAGGED, true);
            m.setFlags(new Flags("$Work"), true);
            assertTrue(m.isSet(Flags.Flag.SEEN));
            assertTrue(m.getFlags().contains("$Work"));

            IMAPFolder other = (IMAPFolder) second.getFolder("INBOX");
            other.open(Folder.READ_ONLY);
            Message seen = other.getMessageByUID(uids[0]);
            Flags flags = seen.getFlags();
            assertTrue(flags.contains(Flags.Flag.SEEN), flags.toString());
            assertTrue(flags.contains(Flags.Flag.FLAGGED), flags.toString());
            assertTrue(flags.contains("$Work"), flags.toString());
            assertFalse(flags.contains(Flags.Flag.DELETED), flags.toString());
            Flags untouched = other.getMessageByUID(uids[1]).getFlags();
            assertFalse(untouched.contains(Flags.Flag.SEEN), untouched.toString());
            assertFalse(untouched.contains("$Work"), untouched.toString());
            other.close(false);

            // Clearing is seen too.
            m.setFlags(new Flags("$Work"), false);
            m.setFlag(Flags.Flag.FLAGGED, false);
            other.open(Folder.READ_ONLY);
            Flags cleared = other.getMessageByUID(uids[0]).getFlags();
            assertTrue(cleared.contains(Flags.Flag.SEEN), cleared.toString());
            assertFalse(cleared.contains(Flags.Flag.FLAGGED), cleared.toString());
            assertFalse(cleared.contains("$Work"), cleared.toString());
            other.close(false);
            inbox.close(false);
        } finally {
            first.close();
            second.close();
        }
    }

    // ---------------------------------------------------------------- search

    @Test
    void searchBySubjectFlagOrBodyAndDates() throws Exception {
        Account a = newAccount();
        Session s0 = session();
        IMAPStore appender = open(s0, a);
        long[] uids;
        try {
            uids = append(appender, "INBOX", s0,
                    plain(s0, "Holiday plans", "Let us go to the mountains.\n", date(2020, 1, 15)),
                    plain(s0, "Quarterly report", "Numbers are up, see the spreadsheet.\n", date(2024, 6, 1)),
                    plain(s0, "Re: holiday plans", "The sea is nicer than mountains.\n", date(2025, 9, 30)));
        } finally {
            appender.close();
        }
        ByteArrayOutputStream trace = new ByteArrayOutputStream();
        Session s = tracedSession(imapProperties(), trace);
        IMAPStore store = open(s, a);
        try {
            IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            inbox.getMessageByUID(uids[1]).setFlag(Flags.Flag.FLAGGED, true);

            assertEquals(List.of(uids[0], uids[2]), uidsOf(inbox, inbox.search(new SubjectTerm("holiday"))),
                    "SUBJECT is a case-insensitive substring match");
            assertEquals(List.of(uids[1]), uidsOf(inbox, inbox.search(new FlagTerm(new Flags(Flags.Flag.FLAGGED),
                    true))));
            assertEquals(List.of(uids[0], uids[2]), uidsOf(inbox, inbox.search(new FlagTerm(
                    new Flags(Flags.Flag.FLAGGED), false))));
            assertEquals(List.of(uids[1], uids[2]), uidsOf(inbox, inbox.search(new OrTerm(
                    new FlagTerm(new Flags(Flags.Flag.FLAGGED), true), new BodyTerm("sea is nicer")))));
            assertEquals(List.of(uids[0], uids[2]), uidsOf(inbox, inbox.search(new BodyTerm("mountains"))));
            assertEquals(List.of(), uidsOf(inbox, inbox.search(new BodyTerm("nothing like this"))));

            // The internal date is what APPEND gave, the sent date is the Date header.
            assertEquals(List.of(uids[0]), uidsOf(inbox, inbox.search(new ReceivedDateTerm(ComparisonTerm.LT,
                    date(2021, 1, 1)))));
            assertEquals(List.of(uids[1], uids[2]), uidsOf(inbox, inbox.search(new ReceivedDateTerm(
                    ComparisonTerm.GE, date(2024, 6, 1)))));
            assertEquals(List.of(uids[1]), uidsOf(inbox, inbox.search(new ReceivedDateTerm(ComparisonTerm.EQ,
                    date(2024, 6, 1)))));
            assertEquals(List.of(uids[2]), uidsOf(inbox, inbox.search(new SentDateTerm(ComparisonTerm.GT,
                    date(2024, 6, 1)))));
            assertEquals(List.of(uids[0], uids[1]), uidsOf(inbox, inbox.search(new SentDateTerm(
                    ComparisonTerm.LE, date(2024, 6, 1)))));
            inbox.close(false);

            String t = text(trace);
            assertTrue(t.contains("SEARCH SUBJECT holiday ALL") || t.contains("SEARCH SUBJECT holiday"), t);
            assertTrue(t.contains("SENTSINCE") || t.contains("SENTBEFORE"), t);
            // Jakarta Mail falls back to searching on the client when the server refuses: make sure it did not.
            assertFalse(TAGGED_FAILURE.matcher(t).find(), "a command failed: " + t);
        } finally {
            store.close();
        }
    }

    private static List<Long> uidsOf(IMAPFolder f, Message[] found) throws MessagingException {
        return Arrays.stream(found).map(m -> {
            try {
                return f.getUID(m);
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).sorted().toList();
    }

    // ---------------------------------------------------------------- move and copy

    @Test
    void moveWithMoveAndCopyWithCopyUid() throws Exception {
        Account a = newAccount();
        ByteArrayOutputStream trace = new ByteArrayOutputStream();
        Session s = tracedSession(imapProperties(), trace);
        IMAPStore store = open(s, a);
        try {
            long[] uids = append(store, "INBOX", s, plain(s, "keep a copy", "one\n", date(2025, 1, 1)),
                    plain(s, "throw away", "two\n", date(2025, 1, 2)),
                    plain(s, "stays", "three\n", date(2025, 1, 3)));
            IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
            IMAPFolder archive = (IMAPFolder) store.getFolder("Archive");
            IMAPFolder trash = (IMAPFolder) store.getFolder("Trash");
            inbox.open(Folder.READ_WRITE);

            AppendUID[] copied = inbox.copyUIDMessages(new Message[] {inbox.getMessageByUID(uids[0])}, archive);
            assertNotNull(copied, "COPYUID");
            assertEquals(1, copied.length);
            assertNotNull(copied[0]);
            assertEquals(archive.getUIDValidity(), copied[0].uidvalidity);
            assertEquals(3, inbox.getMessageCount(), "COPY leaves the source");

            Message second = inbox.getMessageByUID(uids[1]);
            AppendUID[] moved = inbox.moveUIDMessages(new Message[] {second}, trash);
            assertNotNull(moved, "COPYUID of MOVE");
            assertNotNull(moved[0]);
            assertEquals(trash.getUIDValidity(), moved[0].uidvalidity);
            // Jakarta Mail keeps messages expunged by an untagged EXPUNGE in getMessageCount() until the
            // folder's own expunge()/close; the message itself is marked expunged at once.
            assertTrue(second.isExpunged(), "MOVE's untagged EXPUNGE reached the client");
            assertEquals(2, statusCount(store, "INBOX"), "MOVE removed the source");

            Message third = inbox.getMessageByUID(uids[2]);
            inbox.moveMessages(new Message[] {third}, archive);
            assertTrue(third.isExpunged());
            assertEquals(1, statusCount(store, "INBOX"));
            assertEquals(List.of("keep a copy"), subjects(inbox));
            inbox.close(false);

            archive.open(Folder.READ_ONLY);
            assertEquals(2, archive.getMessageCount());
            assertEquals("keep a copy", archive.getMessageByUID(copied[0].uid).getSubject());
            assertEquals(List.of("keep a copy", "stays"), subjects(archive));
            archive.close(false);
            trash.open(Folder.READ_ONLY);
            assertEquals(1, trash.getMessageCount());
            assertEquals("throw away", trash.getMessageByUID(moved[0].uid).getSubject());
            trash.close(false);

            String t = text(trace);
            assertTrue(t.contains("UID MOVE") || Pattern.compile("(?m)^[A-Z]\\d+ MOVE ").matcher(t).find(),
                    "MOVE was used: " + t);
            assertTrue(t.contains("COPYUID"), t);
            assertFalse(TAGGED_FAILURE.matcher(t).find(), t);
        } finally {
            store.close();
        }
    }

    /** The live messages' subjects (skipping those an untagged EXPUNGE already removed). */
    private static List<String> subjects(Folder f) throws MessagingException {
        List<String> out = new java.util.ArrayList<>();
        for (Message m : f.getMessages()) {
            if (!m.isExpunged()) {
                out.add(m.getSubject());
            }
        }
        return out;
    }

    /** MESSAGES of STATUS, through a fresh (closed) folder object. */
    private static int statusCount(Store store, String name) throws MessagingException {
        Folder f = store.getFolder(name);
        assertFalse(f.isOpen());
        return f.getMessageCount();
    }

    // ---------------------------------------------------------------- IDLE

    @Test
    void idleReportsAppendFlagChangeAndExpungeFromAnotherConnection() throws Exception {
        Account a = newAccount();
        ByteArrayOutputStream watcherTrace = new ByteArrayOutputStream();
        Session s = tracedSession(imapProperties(), watcherTrace);
        IMAPStore watcherStore = open(s, a);
        IMAPStore writerStore = open(session(), a);
        long[] first = append(writerStore, "INBOX", s, plain(s, "already there", "x\n", date(2025, 1, 1)));
        IMAPFolder watched = (IMAPFolder) watcherStore.getFolder("INBOX");
        watched.open(Folder.READ_WRITE);
        assertEquals(1, watched.getMessageCount());

        BlockingQueue<long[]> added = new LinkedBlockingQueue<>(); // {nanoTime, message number}
        BlockingQueue<long[]> removed = new LinkedBlockingQueue<>();
        BlockingQueue<long[]> changed = new LinkedBlockingQueue<>();
        watched.addMessageCountListener(new MessageCountListener() {
            @Override
            public void messagesAdded(MessageCountEvent e) {
                long now = System.nanoTime();
                for (Message m : e.getMessages()) {
                    added.add(new long[] {now, m.getMessageNumber()});
                }
            }

            @Override
            public void messagesRemoved(MessageCountEvent e) {
                long now = System.nanoTime();
                for (Message m : e.getMessages()) {
                    removed.add(new long[] {now, m.getMessageNumber()});
                }
            }
        });
        watched.addMessageChangedListener((MessageChangedListener) e -> {
            if (e.getMessageChangeType() == MessageChangedEvent.FLAGS_CHANGED) {
                changed.add(new long[] {System.nanoTime(), e.getMessage().getMessageNumber()});
            }
        });

        ByteArrayOutputStream idleTrace = new ByteArrayOutputStream();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread idler = new Thread(() -> {
            while (running.get()) {
                try {
                    watched.idle();
                } catch (MessagingException e) {
                    if (running.get()) {
                        idleTrace.writeBytes(("idle failed: " + e + "\n").getBytes(StandardCharsets.UTF_8));
                    }
                    return;
                }
            }
        }, "imap-idle");
        idler.setDaemon(true);
        idler.start();
        try {
            // The latencies below count from the server being in IDLE: wait for its continuation in the trace.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!IDLE_STARTED.matcher(text(watcherTrace)).find()) {
                assertTrue(idler.isAlive() && System.nanoTime() < deadline,
                        "no IDLE continuation within 10 s " + idleTrace + "\n" + text(watcherTrace));
                Thread.sleep(10); // polling interval
            }

            // 1. A new message from the other connection.
            IMAPFolder writerInbox = (IMAPFolder) writerStore.getFolder("INBOX");
            AppendUID[] newUid = writerInbox.appendUIDMessages(new Message[] {
                    parsed(s, plain(s, "breaking news", "y\n", date(2025, 1, 2)))});
            long appendDone = System.nanoTime();
            long[] event = added.poll(10, TimeUnit.SECONDS);
            assertNotNull(event, "no EXISTS arrived during IDLE within 10 s " + idleTrace);
            long latencyMs = Math.max(0, TimeUnit.NANOSECONDS.toMillis(event[0] - appendDone));
            System.out.println("IDLE latency, APPEND completed -> messagesAdded: " + latencyMs + " ms");
            assertEquals(2, event[1], "the new message is number 2");
            assertTrue(latencyMs < 1000, "IDLE notification took " + latencyMs + " ms, target < 1 s");

            // 2. A flag change from the other connection.
            writerInbox.open(Folder.READ_WRITE);
            writerInbox.getMessageByUID(first[0]).setFlag(Flags.Flag.FLAGGED, true);
            long storeDone = System.nanoTime();
            long[] change = changed.poll(10, TimeUnit.SECONDS);
            assertNotNull(change, "no FETCH FLAGS arrived during IDLE within 10 s");
            assertEquals(1, change[1]);
            long flagLatencyMs = Math.max(0, TimeUnit.NANOSECONDS.toMillis(change[0] - storeDone));
            System.out.println("IDLE latency, STORE completed -> messageChanged: " + flagLatencyMs + " ms");
            assertTrue(flagLatencyMs < 1000, "flag change took " + flagLatencyMs + " ms");

            // 3. An expunge from the other connection.
            Message goneHere = watched.getMessage(2);
            Message gone = writerInbox.getMessageByUID(newUid[0].uid);
            gone.setFlag(Flags.Flag.DELETED, true);
            writerInbox.expunge();
            long expungeDone = System.nanoTime();
            long[] expunged = removed.poll(10, TimeUnit.SECONDS);
            assertNotNull(expunged, "no EXPUNGE arrived during IDLE within 10 s");
            assertEquals(2, expunged[1]);
            assertTrue(goneHere.isExpunged(), "the watcher's message object was marked expunged");
            long expungeLatencyMs = Math.max(0, TimeUnit.NANOSECONDS.toMillis(expunged[0] - expungeDone));
            System.out.println("IDLE latency, EXPUNGE completed -> messagesRemoved: " + expungeLatencyMs + " ms");
            assertTrue(expungeLatencyMs < 1000, "expunge took " + expungeLatencyMs + " ms");
            writerInbox.close(false);
        } finally {
            running.set(false);
        }
        // A command on the folder's connection ends IDLE (Jakarta Mail sends DONE); the idler then stops.
        // (getMessageCount() is no good here: it only touches the connection when it was idle for over 1 s.)
        watched.doCommand(p -> {
            p.noop();
            return null;
        });
        idler.join(10_000);
        assertFalse(idler.isAlive(), "IDLE ended when the folder was used");
        assertTrue(watched.getMessage(1).isSet(Flags.Flag.FLAGGED), "the change is in the folder's view");
        assertEquals(1, statusCount(watcherStore, "INBOX"));
        assertEquals(0, idleTrace.size(), idleTrace.toString());
        watched.close(false);
        watcherStore.close();
        writerStore.close();
    }

    // ---------------------------------------------------------------- TLS

    @Test
    void startTlsRequiredLogin() throws Exception {
        Account a = newAccount();
        Properties p = imapProperties();
        p.setProperty("mail.imap.starttls.enable", "true");
        p.setProperty("mail.imap.starttls.required", "true");
        p.setProperty("mail.imap.ssl.trust", "*");
        ByteArrayOutputStream trace = new ByteArrayOutputStream();
        Session s = tracedSession(p, trace);
        IMAPStore store = open(s, a);
        try {
            assertTrue(store.isConnected());
            assertTrue(store.hasCapability("IMAP4REV1"));
            Folder inbox = store.getFolder("INBOX");
            assertTrue(inbox.exists());
            inbox.open(Folder.READ_ONLY);
            assertEquals(0, inbox.getMessageCount());
            inbox.close(false);
            String t = text(trace);
            var starttls = Pattern.compile("(?m)^([A-Z]\\d+) STARTTLS\\r?$").matcher(t);
            assertTrue(starttls.find(), "STARTTLS was sent: " + t);
            String tag = starttls.group(1);
            String afterTls = t.substring(starttls.end());
            assertTrue(afterTls.contains(tag + " OK"), t);
            assertTrue(Pattern.compile("(?m)^[A-Z]\\d+ CAPABILITY").matcher(afterTls).find(),
                    "capabilities asked again inside TLS: " + t);
            assertTrue(afterTls.contains("* CAPABILITY IMAP4rev1 "), t);
            assertFalse(afterTls.contains("STARTTLS"), "no STARTTLS offered once inside TLS: " + t);
            assertFalse(TAGGED_FAILURE.matcher(t).find(), t);
        } finally {
            store.close();
        }
    }

    @Test
    void implicitTlsLogin() throws Exception {
        Account a = newAccount();
        Properties p = new Properties();
        p.setProperty("mail.store.protocol", "imaps");
        p.setProperty("mail.imaps.host", "127.0.0.1");
        p.setProperty("mail.imaps.port", String.valueOf(TLS_PORT));
        p.setProperty("mail.imaps.ssl.trust", "*");
        p.setProperty("mail.imaps.connectiontimeout", "10000");
        p.setProperty("mail.imaps.timeout", "20000");
        Session s = tracedSession(p, new ByteArrayOutputStream());
        Store store = s.getStore("imaps");
        store.connect(a.getAddress(), PASSWORD);
        try {
            assertTrue(store.isConnected());
            assertTrue(store instanceof org.eclipse.angus.mail.imap.IMAPSSLStore);
            long[] uids = append(store, "INBOX", s, plain(s, "over TLS", "secret\n", date(2025, 5, 5)));
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            assertEquals(1, inbox.getMessageCount());
            assertEquals("over TLS", ((UIDFolder) inbox).getMessageByUID(uids[0]).getSubject());
            inbox.close(false);
        } finally {
            store.close();
        }
    }

    @Test
    void wrongPasswordIsRefused() throws Exception {
        Account a = newAccount();
        Store store = session().getStore("imap");
        MessagingException e = org.junit.jupiter.api.Assertions.assertThrows(
                jakarta.mail.AuthenticationFailedException.class, () -> store.connect(a.getAddress(), "wrong"));
        assertNotNull(e.getMessage());
        assertFalse(store.isConnected());
    }

    // ---------------------------------------------------------------- quota

    @Test
    void quotaOfInboxReportsThePlatformDefaultWithRealUsage() throws Exception {
        Account a = newAccount();
        IMAPStore store = open(session(), a);
        try {
            assertTrue(store.hasCapability("QUOTA"));
            Quota[] quotas = ((QuotaAwareStore) store).getQuota("INBOX");
            assertEquals(1, quotas.length, "one quota root");
            assertEquals("", quotas[0].quotaRoot, "the account's root is named \"\"");
            // No limit of its own nor of its domain: the store's platform default (mail.quota.*: 1 GiB, 100000
            // messages in the prod profile the testkit store runs), with the usage of a new account.
            Map<String, Quota.Resource> r = Arrays.stream(quotas[0].resources)
                    .collect(Collectors.toMap(x -> x.name, x -> x));
            assertEquals(1024L * 1024, r.get("STORAGE").limit, "KiB");
            assertEquals(0, r.get("STORAGE").usage);
            assertEquals(100_000, r.get("MESSAGE").limit);
            assertEquals(0, r.get("MESSAGE").usage);
        } finally {
            store.close();
        }
    }

    @Test
    void quotaOfInboxReportsLimitsAndUsage() throws Exception {
        int n = (int) (System.nanoTime() % 1_000_000);
        Account a = accounts.createAccount(CreateAccountRequest.newBuilder()
                .setAddress("quota" + n + "@angus-quota" + n + ".example.test").setPassword(PASSWORD)
                .setStorageLimit(10L * 1024 * 1024).setMessageLimit(100).setCreateDomain(true).build());
        Session s = session();
        IMAPStore store = open(s, a);
        try {
            Quota[] quotas = ((QuotaAwareStore) store).getQuota("INBOX");
            assertEquals(1, quotas.length, "one quota root");
            assertEquals("", quotas[0].quotaRoot);
            Quota.Resource storage = resource(quotas[0], "STORAGE");
            Quota.Resource messages = resource(quotas[0], "MESSAGE");
            assertEquals(10L * 1024, storage.limit, "STORAGE is in KiB");
            assertEquals(100, messages.limit);
            assertEquals(0, messages.usage);
            long usageBefore = storage.usage;

            // Usage follows what is stored.
            append(store, "INBOX", s, multipart(s, "weighty", "text\n", attachmentBytes(300_000)));
            Quota[] after = store.getQuota("Sent");
            assertEquals("", after[0].quotaRoot, "every mailbox is under the one root");
            assertEquals(1, resource(after[0], "MESSAGE").usage);
            long usageAfter = resource(after[0], "STORAGE").usage;
            assertTrue(usageAfter >= usageBefore + 300 && usageAfter < usageBefore + 600,
                    usageBefore + " -> " + usageAfter + " KiB for a ~400 KB message");
        } finally {
            store.close();
        }
    }

    private static Quota.Resource resource(Quota q, String name) {
        assertNotNull(q.resources, "root " + q.quotaRoot + " has no resources");
        return Arrays.stream(q.resources).filter(r -> r.name.equalsIgnoreCase(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in " + Arrays.stream(q.resources)
                        .map(r -> r.name).toList()));
    }

}
