package dev.mailplatform.store.mime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.store.v1.Address;
import dev.mailplatform.store.v1.Envelope;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * ENVELOPE addresses (RFC 3501 section 7.4.2) of every RFC 5322 address form, field by field, and the search text of
 * address fields (SEARCH FROM/TO/CC/BCC match within the field's line of the search header).
 */
class EnvelopeAddressesTest {

    private static IndexedMessage index(String header) {
        byte[] msg = (header + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.UTF_8);
        return new MimeIndexer(1000).index(ByteBuffer.wrap(msg));
    }

    private static Envelope envelope(String header) {
        return index(header).envelope();
    }

    private static List<Address> from(String value) {
        return envelope("From: " + value).getFromList();
    }

    private static Address addr(String name, String adl, String mailbox, String host) {
        return Address.newBuilder().setName(name).setAdl(adl).setMailbox(mailbox).setHost(host).build();
    }

    private static Address groupStart(String name) {
        return Address.newBuilder().setMailbox(name).setGroupMarker(true).build();
    }

    private static Address groupEnd() {
        return Address.newBuilder().setGroupMarker(true).build();
    }

    /** As SearchQuery's HEADER test: the value within the field's own line, case-insensitively. */
    private static boolean searchable(IndexedMessage m, String field, String value) {
        for (String line : m.searchHeader().split("\n")) {
            String l = line.toLowerCase(Locale.ROOT);
            if (l.startsWith(field + ":") && l.contains(value.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    /** Issue 3: the trailing comment of a bare addr-spec is its name (Dovecot, and what clients show). */
    @Test
    void theCommentOfABareAddressIsItsName() {
        assertEquals(List.of(addr("Real Name", "", "user", "domain")), from("user@domain (Real Name)"));
        // the last comment, wherever it is in the addr-spec
        assertEquals(List.of(addr("Real Name", "", "user", "example.org")),
                from("user (first) @ example.org (Real Name)"));
        // nested comments as written, quoted pairs resolved, encoded words raw
        assertEquals(List.of(addr("Real (the) Name", "", "a", "b.org")), from("a@b.org (Real (the) Name)"));
        assertEquals(List.of(addr("Real ) Name", "", "a", "b.org")), from("a@b.org (Real \\) Name)"));
        assertEquals(List.of(addr("=?UTF-8?Q?J=C3=B6rg?=", "", "a", "b.org")), from("a@b.org (=?UTF-8?Q?J=C3=B6rg?=)"));
        // an empty comment names no one; a display name wins over comments; so does <addr> (no phrase: NIL)
        assertEquals(List.of(addr("", "", "a", "b.org")), from("a@b.org ( )"));
        assertEquals(List.of(addr("Display", "", "a", "b.org")), from("Display (comment) <a@b.org> (other)"));
        assertEquals(List.of(addr("", "", "a", "b.org")), from("<a@b.org> (after)"));
        // comments nested deeper than the limit name no one, and cost nothing more
        String deep = "(".repeat(50) + "x" + ")".repeat(50);
        assertEquals(List.of(addr("", "", "a", "b.org")), from("a@b.org " + deep));
    }

    @Test
    void quotedDisplayNames() {
        assertEquals(List.of(addr("Doe, John", "", "john", "example.org"), addr("x", "", "y", "example.org")),
                envelope("To: \"Doe, John\" <john@example.org>, \"x\" <y@example.org>").getToList());
        assertEquals(List.of(addr("John \"JD\" Doe", "", "j", "x.org")), from("\"John \\\"JD\\\" Doe\" <j@x.org>"));
        // an encoded word in quotes stays raw, as in an atom
        assertEquals(List.of(addr("=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=", "", "a", "b.org")),
                from("\"=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\" <a@b.org>"));
        // RFC 6532 8-bit name, local part and domain: the name as one encoded word (mime4j's choice of charset,
        // as before), the address whole (mime4j counted characters as bytes and cut it short)
        assertEquals(List.of(addr("=?ISO-8859-1?Q?J=F6hn_Doe?=", "", "jö", "exämple.org")),
                from("\"Jöhn Doe\" <jö@exämple.org>"));
    }

    @Test
    void unquotedDisplayNamesKeepTheirEncodedWordsRaw() {
        assertEquals(List.of(addr("John Doe", "", "j", "x.org")), from("John (the man) Doe <j@x.org>"));
        assertEquals(List.of(addr("=?ISO-8859-1?Q?Andr=E9?= Dupont", "", "a", "b.org")),
                from("=?ISO-8859-1?Q?Andr=E9?= Dupont <a@b.org>"));
        assertEquals(List.of(addr("=?UTF-8?B?SsO2cmc=?=", "", "a", "b.org")), from("=?UTF-8?B?SsO2cmc=?= <a@b.org>"));
    }

    /** RFC 5322 obs-route: RFC 3501's "at-domain-list (source route)". */
    @Test
    void obsoleteRoutes() {
        assertEquals(List.of(addr("", "@route1,@route2", "user", "host")), from("<@route1,@route2:user@host>"));
        assertEquals(List.of(addr("Routed", "@a.example,@b.example", "jö", "exämple.org")),
                from("Routed <@a.example, @b.example:jö@exämple.org>"));
    }

    /** RFC 3501: a group is (NIL NIL "name" NIL), its members, then (NIL NIL NIL NIL). */
    @Test
    void groups() {
        assertEquals(List.of(groupStart("undisclosed-recipients"), groupEnd()),
                envelope("To: undisclosed-recipients:;").getToList());
        assertEquals(List.of(groupStart("Friends"), addr("Alice", "", "alice", "example.org"),
                addr("Bob B", "", "bob", "example.org"), groupEnd(), addr("Carol", "", "carol", "example.org")),
                envelope("Cc: Friends: alice@example.org (Alice), \"Bob B\" <bob@example.org>;, "
                        + "carol@example.org (Carol)").getCcList());
        // a group name's encoded words stay raw; an unclosed group ends with the field
        assertEquals(List.of(groupStart("=?UTF-8?Q?Gr=C3=BCppe?="), addr("Dan", "", "dan", "example.org"), groupEnd()),
                envelope("Bcc: =?UTF-8?Q?Gr=C3=BCppe?=: dan@example.org (Dan)").getBccList());
    }

    @Test
    void emptyAndMissingFields() {
        Envelope e = envelope("Subject: none\r\nTo:\r\nCc: (nobody)\r\nBcc: , ,\r\nSender: \r\nReply-To: (none)");
        assertEquals(List.of(), e.getFromList());
        assertEquals(List.of(), e.getSenderList());
        assertEquals(List.of(), e.getReplyToList());
        assertEquals(List.of(), e.getToList());
        assertEquals(List.of(), e.getCcList());
        assertEquals(List.of(), e.getBccList());
        // Sender and Reply-To, empty, default to From (RFC 3501)
        Envelope d = envelope("From: user@example.org (Real Name)\r\nSender: (nobody)\r\nReply-To:");
        List<Address> expected = List.of(addr("Real Name", "", "user", "example.org"));
        assertEquals(expected, d.getFromList());
        assertEquals(expected, d.getSenderList());
        assertEquals(expected, d.getReplyToList());
    }

    @Test
    void addressesWithoutADomain() {
        assertEquals(List.of(addr("Real Name", "", "user", "")), from("user (Real Name)"));
        assertEquals(List.of(addr("", "", "postmaster", "")), from("<postmaster>"));
        assertEquals(List.of(addr("Local Only", "", "jö", "")), from("Local Only <jö>"));
    }

    /** Issue 4: comments are legal inside an address; SEARCH FROM must find it without them. */
    @Test
    void addressesAreSearchableWithoutTheirComments() {
        IndexedMessage m = index("From: <user-from (comment)@ (comment) domain.org>\r\n"
                + "To: John (J) Doe <john (x) @ (y) example.org>\r\n"
                + "Cc: \"John \\\"JD\\\" Doe\" <jd@example.org>\r\n"
                + "Bcc: Group: bcc-user (c) @example.org;\r\n"
                + "Reply-To: plain@example.org (Plain Name)\r\n"
                + "Subject: <subject (c)@ x.org>");
        assertEquals(List.of(addr("", "", "user-from", "domain.org")), m.envelope().getFromList());
        assertTrue(searchable(m, "from", "user-from@domain.org"), m.searchHeader());
        assertTrue(searchable(m, "to", "john@example.org"), m.searchHeader());
        assertTrue(searchable(m, "to", "John Doe"), m.searchHeader());
        assertTrue(searchable(m, "cc", "John \"JD\" Doe"), m.searchHeader());
        assertTrue(searchable(m, "bcc", "bcc-user@example.org"), m.searchHeader());
        assertTrue(searchable(m, "reply-to", "Plain Name"), m.searchHeader());
        // what was indexed before stays: the field's decoded text
        assertTrue(searchable(m, "from", "<user-from (comment)@ (comment) domain.org>"), m.searchHeader());
        assertTrue(searchable(m, "to", "John (J) Doe"), m.searchHeader());
        // only address fields, on their own line
        assertFalse(searchable(m, "subject", "subject@x.org"), m.searchHeader());
        assertFalse(searchable(m, "from", "john@example.org"), m.searchHeader());
        // nothing added where the field already holds it all
        IndexedMessage plain = index("From: Jane Roe <jane@example.org>, \"Doe, John\" <john@example.org>");
        assertTrue(plain.searchHeader().startsWith(
                "from: Jane Roe <jane@example.org>, \"Doe, John\" <john@example.org>\n"), plain.searchHeader());
    }

    /** Encoded words in the display name are searched decoded, as before. */
    @Test
    void encodedNamesAreSearchedDecoded() {
        IndexedMessage m = index("From: =?ISO-8859-1?Q?Andr=E9?= <andre (x) @example.org>");
        assertTrue(searchable(m, "from", "André"), m.searchHeader());
        assertTrue(searchable(m, "from", "andre@example.org"), m.searchHeader());
    }

    @Test
    void aLargeAddressFieldIsLinear() {
        String many = "a (b (c (d)))@e (f) , ".repeat(8_000);
        String open = "x@y " + "(".repeat(200_000);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            IndexedMessage m = index("To: " + many + "\r\nCc: " + open);
            assertEquals(8_000, m.envelope().getToCount());
            assertTrue(m.searchHeader().length() <= 262_144 * 2);
        });
    }
}
