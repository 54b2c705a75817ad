package dev.mailplatform.store.mime;

import dev.mailplatform.store.v1.Address;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.james.mime4j.codec.EncoderUtil;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.address.LenientAddressParser;
import org.apache.james.mime4j.stream.ParserCursor;
import org.apache.james.mime4j.stream.RawFieldParser;
import org.apache.james.mime4j.util.ByteArrayBuffer;

/**
 * The addresses of an address header field, for ENVELOPE (RFC 3501 section 7.4.2) and for SEARCH. Its own class
 * because mime4j's address parser, which reads every address here, drops comments (the name of
 * {@code user@host (Real Name)}) and decodes names (ENVELOPE keeps the raw encoded words), so this class drives it
 * one address at a time to know each address's raw text.
 *
 * <p>Names are as Dovecot gives them: the display name (the phrase, its encoded words raw, quotes and comments
 * removed) of {@code Name <addr>}, or the last comment of a bare {@code addr (Name)}. A name with 8-bit characters
 * (RFC 6532) is sent as one encoded word, since IMAP envelopes are 7-bit. A group is the RFC 3501 start marker
 * (NIL NIL "name" NIL), its members and the end marker (NIL NIL NIL NIL).
 */
final class EnvelopeAddresses {

    /** Comments nested deeper than this name no one (they are skipped whole, as any comment). */
    static final int MAX_COMMENT_DEPTH = 16;

    /** The header fields of addresses whose normalised addresses are added to the search text. */
    private static final Set<String> ADDRESS_FIELDS = Set.of("from", "sender", "reply-to", "to", "cc", "bcc",
            "resent-from", "resent-sender", "resent-to", "resent-cc", "resent-bcc", "return-path", "delivered-to");

    private static final RawFieldParser RAW = new RawFieldParser();
    private static final LenientAddressParser MIME4J = LenientAddressParser.DEFAULT;
    private static final BitSet GROUP_PROBE = RawFieldParser.INIT_BITSET(',', ':', '@', '<');
    private static final BitSet TOP = RawFieldParser.INIT_BITSET(',');
    private static final BitSet IN_GROUP = RawFieldParser.INIT_BITSET(',', ';');
    private static final BitSet MAILBOX_PROBE_TOP = RawFieldParser.INIT_BITSET(',', '@', '<');
    private static final BitSet MAILBOX_PROBE_IN_GROUP = RawFieldParser.INIT_BITSET(',', ';', '@', '<');

    private EnvelopeAddresses() {
    }

    /** One parsed address with the raw bytes it was read from (none for group markers). */
    private record Parsed(Address address, int start, int end) {
    }

    static boolean isAddressField(String name) {
        return ADDRESS_FIELDS.contains(name.toLowerCase(Locale.ROOT));
    }

    /** The ENVELOPE addresses of a field value (unfolded), empty for none or a null value. */
    static List<Address> envelope(String value) {
        List<Address> out = new ArrayList<>();
        if (value != null && !value.isBlank()) {
            for (Parsed p : parse(value.getBytes(StandardCharsets.UTF_8))) {
                out.add(p.address());
            }
        }
        return out;
    }

    /**
     * What SEARCH must find in an address field beyond its decoded text: each address as local-part@domain with its
     * comments and folding removed, and each decoded display name, where the address's own text does not already
     * hold them; at most {@code maxChars} characters (whole items only), so the search text stays within twice the
     * header. Empty when there is nothing to add.
     */
    static String searchText(String value, int maxChars) {
        if (value == null || value.isBlank() || maxChars <= 0) {
            return "";
        }
        byte[] raw = value.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder();
        for (Parsed p : parse(raw)) {
            Address a = p.address();
            if (a.getGroupMarker()) {
                continue;
            }
            String own = MimeIndexer.decodeWords(new String(raw, p.start(), p.end() - p.start(),
                    StandardCharsets.UTF_8)).toLowerCase(Locale.ROOT);
            String name = a.getName().isEmpty() ? "" : MimeIndexer.decodeWords(a.getName());
            String addr = a.getMailbox().isEmpty() ? "" : a.getHost().isEmpty() ? a.getMailbox()
                    : a.getMailbox() + "@" + a.getHost();
            for (String item : new String[] {name, addr}) {
                if (item.isBlank() || own.contains(item.toLowerCase(Locale.ROOT))) {
                    continue;
                }
                if (sb.length() + item.length() + 1 > maxChars) {
                    return sb.toString();
                }
                if (sb.length() > 0) {
                    sb.append(' ');
                }
                sb.append(item);
            }
        }
        return sb.toString();
    }

    /** The address list in raw (UTF-8 bytes, so that mime4j's cursor counts what it reads), mime4j reading each. */
    private static List<Parsed> parse(byte[] raw) {
        List<Parsed> out = new ArrayList<>();
        ByteArrayBuffer buf = new ByteArrayBuffer(raw, raw.length, false);
        ParserCursor cursor = new ParserCursor(0, raw.length);
        try {
            while (!cursor.atEnd()) {
                int start = cursor.getPos();
                if (raw[start] == ',') {
                    cursor.updatePos(start + 1);
                    continue;
                }
                RAW.parseValue(buf, cursor, GROUP_PROBE);
                if (!cursor.atEnd() && raw[cursor.getPos()] == ':') {
                    group(phrase(raw, start, cursor.getPos()), raw, buf, cursor, out);
                } else {
                    cursor.updatePos(start);
                    mailbox(raw, buf, cursor, TOP, MAILBOX_PROBE_TOP, out);
                }
                if (cursor.getPos() == start) {
                    cursor.updatePos(start + 1); // never stall on input that no rule reads
                }
            }
        } catch (RuntimeException e) {
            // mime4j is lenient and should not throw; if it does, the addresses read so far stand.
        }
        return out;
    }

    /** A group: the cursor is on the colon after its name. Members up to the semicolon (or the end). */
    private static void group(String name, byte[] raw, ByteArrayBuffer buf, ParserCursor cursor, List<Parsed> out) {
        out.add(new Parsed(Address.newBuilder().setMailbox(name).setGroupMarker(true).build(), 0, 0));
        cursor.updatePos(cursor.getPos() + 1);
        while (!cursor.atEnd()) {
            int pos = cursor.getPos();
            if (raw[pos] == ';') {
                cursor.updatePos(pos + 1);
                break;
            }
            if (raw[pos] == ',') {
                cursor.updatePos(pos + 1);
                continue;
            }
            mailbox(raw, buf, cursor, IN_GROUP, MAILBOX_PROBE_IN_GROUP, out);
            if (cursor.getPos() == pos) {
                cursor.updatePos(pos + 1);
            }
        }
        out.add(new Parsed(Address.newBuilder().setGroupMarker(true).build(), 0, 0));
    }

    private static void mailbox(byte[] raw, ByteArrayBuffer buf, ParserCursor cursor, BitSet delimiters,
            BitSet probeDelimiters, List<Parsed> out) {
        int start = cursor.getPos();
        // The same first step as mime4j's parseMailbox, to learn the raw display name and which form this is.
        ParserCursor probe = new ParserCursor(start, cursor.getUpperBound());
        RAW.parseValue(buf, probe, probeDelimiters);
        boolean nameAddr = !probe.atEnd() && raw[probe.getPos()] == '<';
        Mailbox m = MIME4J.parseMailbox(buf, cursor, delimiters);
        if (m == null) {
            return; // nothing but comments and spaces
        }
        int end = cursor.getPos();
        String name = nameAddr ? phrase(raw, start, probe.getPos()) : lastComment(raw, start, end);
        Address.Builder a = Address.newBuilder();
        if (name != null && !name.isEmpty()) {
            a.setName(sevenBit(name));
        }
        if (m.getRoute() != null && !m.getRoute().isEmpty()) {
            a.setAdl(m.getRoute().toRouteString());
        }
        a.setMailbox(m.getLocalPart() == null ? "" : m.getLocalPart());
        a.setHost(m.getDomain() == null ? "" : m.getDomain());
        out.add(new Parsed(a.build(), start, end));
    }

    /** A raw name as it is unless it has 8-bit characters: those are decoded and sent as one encoded word. */
    private static String sevenBit(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) > 0x7e) {
                return EncoderUtil.encodeEncodedWord(MimeIndexer.decodeWords(name), EncoderUtil.Usage.TEXT_TOKEN);
            }
        }
        return name;
    }

    /**
     * The display name in raw[start, end) as written: quoted strings unquoted (quoted pairs resolved, encoded words
     * left raw: mime4j decodes them in quoted strings), comments dropped, words one space apart. One pass.
     */
    static String phrase(byte[] raw, int start, int end) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean space = false;
        int i = start;
        while (i < end) {
            byte b = raw[i];
            if (b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == '(') {
                i = b == '(' ? comment(raw, i, end).next() : i + 1;
                space = out.size() > 0;
                continue;
            }
            if (space) {
                out.write(' ');
                space = false;
            }
            if (b == '"') {
                i++;
                while (i < end && raw[i] != '"') {
                    if (raw[i] == '\\' && i + 1 < end) {
                        i++;
                    }
                    out.write(raw[i]);
                    i++;
                }
                i++;
            } else {
                out.write(b);
                i++;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The text of the last non-empty comment in raw[start, end) outside quoted strings, or null. One pass. */
    static String lastComment(byte[] raw, int start, int end) {
        String last = null;
        int i = start;
        while (i < end) {
            byte b = raw[i];
            if (b == '"') {
                i++;
                while (i < end && raw[i] != '"') {
                    i += raw[i] == '\\' ? 2 : 1;
                }
                i++;
            } else if (b == '(') {
                Comment c = comment(raw, i, end);
                if (c.text() != null && !c.text().isEmpty()) {
                    last = c.text();
                }
                i = c.next();
            } else {
                i++;
            }
        }
        return last;
    }

    /** A comment: where it ends, and its text (trimmed, nested comments as written) or null if nested too deep. */
    private record Comment(int next, String text) {
    }

    /** The comment that opens at raw[open], up to its closing parenthesis or end. */
    private static Comment comment(byte[] raw, int open, int end) {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        int depth = 1;
        boolean tooDeep = false;
        int i = open + 1;
        while (i < end && depth > 0) {
            byte c = raw[i];
            if (c == '\\' && i + 1 < end) {
                text.write(raw[i + 1]);
                i += 2;
                continue;
            }
            if (c == '(') {
                depth++;
                tooDeep |= depth > MAX_COMMENT_DEPTH;
            } else if (c == ')') {
                depth--;
            }
            if (depth > 0) {
                text.write(c);
            }
            i++;
        }
        return new Comment(i, tooDeep ? null : text.toString(StandardCharsets.UTF_8).trim());
    }
}
