package dev.mailplatform.store.mime;

import dev.mailplatform.store.v1.Address;
import dev.mailplatform.store.v1.BodyPart;
import dev.mailplatform.store.v1.Envelope;
import dev.mailplatform.store.v1.Parameter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.ParsePosition;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.james.mime4j.codec.Base64InputStream;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.codec.QuotedPrintableInputStream;
import org.apache.james.mime4j.dom.field.ContentDispositionField;
import org.apache.james.mime4j.dom.field.ContentLanguageField;
import org.apache.james.mime4j.dom.field.ContentTypeField;
import org.apache.james.mime4j.dom.field.DateTimeField;
import org.apache.james.mime4j.dom.field.ParsedField;
import org.apache.james.mime4j.field.LenientFieldParser;

/**
 * Indexes a message once, at ingest: the envelope, the body structure with the byte range of every part, the
 * header text and decoded body text for search, and a short preview. Field syntax (content types, addresses, dates,
 * encoded words, transfer encodings) is mime4j's (addresses through {@link EnvelopeAddresses}, for their names and
 * comments); this class only walks the part tree, because FETCH BODY[2] must be a ranged read of the blob and mime4j
 * does not report byte offsets.
 *
 * <p>Malformed input never fails: whatever cannot be understood becomes an opaque text/plain part, and the raw
 * bytes stay fetchable.
 */
public final class MimeIndexer {

    private static final int PREVIEW_CHARS = 200;
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    /**
     * What one message may cost the index, whatever it holds; the message itself is stored whole and served as it
     * is. Header fields past the byte or field budget (counted over all the message's headers) are not indexed: not
     * searchable, not in ENVELOPE or BODYSTRUCTURE, not seen by HEADER.FIELDS. Parts past {@code maxParts} and
     * nesting past {@code maxDepth} are opaque.
     */
    public record Limits(int searchBodyChars, int headerBytes, int headerFields, int maxParts, int maxDepth) {

        public Limits {
            if (searchBodyChars < 0 || headerBytes < 1 || headerFields < 1 || maxParts < 1 || maxDepth < 1) {
                throw new IllegalArgumentException("MIME index limits must be positive: " + this);
            }
        }

        public static Limits of(int searchBodyChars) {
            return new Limits(searchBodyChars, 262_144, 2_000, 2_000, 40);
        }
    }

    private final Limits limits;
    private final int searchBodyLimit;

    public MimeIndexer(int searchBodyLimit) {
        this(Limits.of(searchBodyLimit));
    }

    public MimeIndexer(Limits limits) {
        this.limits = limits;
        this.searchBodyLimit = limits.searchBodyChars();
    }

    /** Indexes the message in buf[0, limit). buf may be a memory-mapped file; it is only read. */
    public IndexedMessage index(ByteBuffer buf) {
        Walk walk = new Walk(buf.duplicate());
        int end = buf.limit();
        Header header = walk.header(0, end);
        BodyPart structure = walk.part(0, end, header, false, 0);
        Envelope envelope = envelope(header.fields);
        // HEADER.FIELDS is answered from these bytes: the fields that were indexed, never more than the budget.
        int rawEnd = header.bodyStart;
        if (rawEnd > limits.headerBytes()) {
            rawEnd = 0;
            for (HeaderField f : header.fields) {
                if (f.end() <= limits.headerBytes()) {
                    rawEnd = f.end();
                }
            }
        }
        byte[] headerRaw = new byte[rawEnd];
        walk.buf.get(0, headerRaw);
        StringBuilder searchHeader = new StringBuilder();
        for (HeaderField f : header.fields) {
            String text = decodeWords(f.value()).replace('\n', ' ');
            searchHeader.append(f.name().toLowerCase(Locale.ROOT)).append(": ").append(text);
            // SEARCH FROM/TO/... match within the field's line: its addresses without comments go on it too.
            String addresses = EnvelopeAddresses.isAddressField(f.name())
                    ? EnvelopeAddresses.searchText(f.value(), text.length() - 1) : "";
            if (!addresses.isEmpty()) {
                searchHeader.append(' ').append(addresses);
            }
            searchHeader.append('\n');
        }
        String body = walk.text.toString();
        String preview = walk.preview == null ? "" : walk.preview;
        Sent sent = sentDate(header.fields);
        return new IndexedMessage(end, header.bodyStart, headerRaw, envelope, structure,
                sent == null ? null : sent.instant(), sent == null ? null : sent.day(), preview,
                sanitize(searchHeader.toString()), sanitize(body));
    }

    /** PostgreSQL text cannot hold NUL. */
    private static String sanitize(String s) {
        return s.indexOf('\0') >= 0 ? s.replace('\0', ' ') : s;
    }

    // ---- the part tree ----

    private final class Walk {
        final ByteBuffer buf;
        final StringBuilder text = new StringBuilder();
        String preview;
        int parts;
        /** What is left of the message's header budget: fields and their bytes, over all its headers. */
        long headerBytesLeft = limits.headerBytes();
        int fieldsLeft = limits.headerFields();

        Walk(ByteBuffer buf) {
            this.buf = buf;
        }

        /** Parses the header that starts at start: the fields, and where the body starts. */
        Header header(int start, int end) {
            List<HeaderField> fields = new ArrayList<>();
            int pos = start;
            int fieldStart = -1;
            while (pos < end) {
                int lineEnd = lineEnd(pos, end);
                int contentEnd = stripEol(pos, lineEnd);
                if (contentEnd == pos) { // the empty line ends the header
                    if (fieldStart >= 0) {
                        addField(fields, fieldStart, pos);
                    }
                    return new Header(fields, start, lineEnd);
                }
                byte first = buf.get(pos);
                if ((first == ' ' || first == '\t') && fieldStart >= 0) {
                    pos = lineEnd; // folded continuation
                    continue;
                }
                if (fieldStart >= 0) {
                    addField(fields, fieldStart, pos);
                }
                fieldStart = pos;
                pos = lineEnd;
            }
            if (fieldStart >= 0) {
                addField(fields, fieldStart, end);
            }
            return new Header(fields, start, end);
        }

        private void addField(List<HeaderField> fields, int start, int end) {
            if (fieldsLeft <= 0 || end - start > headerBytesLeft) {
                return; // over the budget: the field stays raw bytes only
            }
            fieldsLeft--;
            headerBytesLeft -= end - start;
            int colon = -1;
            for (int i = start; i < end; i++) {
                byte b = buf.get(i);
                if (b == ':') {
                    colon = i;
                    break;
                }
                if (b == '\r' || b == '\n') {
                    break;
                }
            }
            if (colon <= start) {
                return; // not a field: ignored, but its bytes stay in the raw header
            }
            String name = latin1(start, colon).trim();
            String value = unfold(decodeRaw(colon + 1, end));
            fields.add(new HeaderField(name, value.trim(), start, end));
        }

        BodyPart part(int start, int end, Header header, boolean digestChild, int depth) {
            parts++;
            ContentTypeField ct = contentType(header.fields);
            String type = digestChild ? "message" : "text";
            String subtype = digestChild ? "rfc822" : "plain";
            Map<String, String> params = digestChild ? Map.of() : Map.of("charset", "us-ascii");
            if (ct != null && ct.getMediaType() != null && !ct.getMediaType().isEmpty() && ct.getSubType() != null
                    && !ct.getSubType().isEmpty()) {
                type = ct.getMediaType().toLowerCase(Locale.ROOT);
                subtype = ct.getSubType().toLowerCase(Locale.ROOT);
                params = ct.getParameters();
            }
            int bodyStart = header.bodyStart;
            BodyPart.Builder b = BodyPart.newBuilder()
                    .setHeaderStart(start).setBodyStart(bodyStart).setBodyEnd(end)
                    .setSize(end - bodyStart);
            String encoding = fieldValue(header.fields, "Content-Transfer-Encoding");
            b.setEncoding(encoding == null || encoding.isBlank() ? "7BIT" : encoding.trim().toUpperCase(Locale.ROOT));
            String id = fieldValue(header.fields, "Content-ID");
            if (id != null) {
                b.setId(id);
            }
            String description = fieldValue(header.fields, "Content-Description");
            if (description != null) {
                b.setDescription(description);
            }
            String md5 = fieldValue(header.fields, "Content-MD5");
            if (md5 != null) {
                b.setMd5(md5);
            }
            disposition(header.fields, b);

            if (type.equals("multipart") && depth < limits.maxDepth() && parts < limits.maxParts()) {
                String boundary = params.get("boundary");
                if (boundary != null && !boundary.isEmpty()) {
                    List<int[]> ranges = splitMultipart(bodyStart, end, boundary.getBytes(StandardCharsets.ISO_8859_1));
                    if (!ranges.isEmpty()) {
                        b.setType(type).setSubtype(subtype);
                        params.forEach((k, v) -> b.addParams(param(k, v)));
                        boolean digest = subtype.equals("digest");
                        for (int[] r : ranges) {
                            if (parts >= limits.maxParts()) {
                                break;
                            }
                            Header h = header(r[0], r[1]);
                            b.addParts(part(r[0], r[1], h, digest, depth + 1));
                        }
                        return b.build();
                    }
                }
                // A multipart without a usable boundary is shown as opaque text, as Dovecot does.
                type = "text";
                subtype = "plain";
                params = Map.of("charset", "us-ascii");
            }
            b.setType(type).setSubtype(subtype);
            params.forEach((k, v) -> b.addParams(param(k, v)));
            if (type.equals("message") && subtype.equals("rfc822") && depth < limits.maxDepth()
                    && isIdentityEncoding(b.getEncoding())) {
                Header inner = header(bodyStart, end);
                b.setMessageEnvelope(envelope(inner.fields));
                b.setMessageBody(part(bodyStart, end, inner, false, depth + 1));
                b.setLines(countLines(bodyStart, end));
            } else if (type.equals("text")) {
                b.setLines(countLines(bodyStart, end));
                collectText(bodyStart, end, b.getEncoding(), params.get("charset"), subtype);
            }
            return b.build();
        }

        /** The [start, end) ranges of the body parts between the boundary delimiter lines. */
        private List<int[]> splitMultipart(int start, int end, byte[] boundary) {
            List<int[]> ranges = new ArrayList<>();
            int partStart = -1;
            int pos = start;
            while (pos < end) {
                int lineEnd = lineEnd(pos, end);
                if (isDelimiter(pos, lineEnd, boundary)) {
                    boolean close = pos + 2 + boundary.length + 1 < end
                            && buf.get(pos + 2 + boundary.length) == '-'
                            && buf.get(pos + 3 + boundary.length) == '-';
                    if (partStart >= 0) {
                        // The line break before the delimiter belongs to the delimiter.
                        int partEnd = pos;
                        if (partEnd > partStart && buf.get(partEnd - 1) == '\n') {
                            partEnd--;
                            if (partEnd > partStart && buf.get(partEnd - 1) == '\r') {
                                partEnd--;
                            }
                        }
                        ranges.add(new int[] {partStart, Math.max(partStart, partEnd)});
                        if (parts + ranges.size() >= limits.maxParts()) {
                            return ranges; // no more parts will be indexed: the rest is not split
                        }
                    }
                    if (close) {
                        return ranges;
                    }
                    partStart = lineEnd;
                }
                pos = lineEnd;
            }
            if (partStart >= 0 && partStart < end) {
                ranges.add(new int[] {partStart, end}); // missing close delimiter: the last part runs to the end
            }
            return ranges;
        }

        private boolean isDelimiter(int pos, int lineEnd, byte[] boundary) {
            if (lineEnd - pos < boundary.length + 2 || buf.get(pos) != '-' || buf.get(pos + 1) != '-') {
                return false;
            }
            for (int i = 0; i < boundary.length; i++) {
                if (buf.get(pos + 2 + i) != boundary[i]) {
                    return false;
                }
            }
            // Only transport padding (and the closing "--") may follow the boundary.
            for (int i = pos + 2 + boundary.length; i < lineEnd; i++) {
                byte c = buf.get(i);
                if (c != '-' && c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                    return false;
                }
            }
            return true;
        }

        private void collectText(int start, int end, String encoding, String charset, String subtype) {
            int room = searchBodyLimit - text.length();
            boolean wantPreview = preview == null && (subtype.equals("plain") || subtype.equals("html"));
            if (room <= 0 && !wantPreview) {
                return;
            }
            String decoded = decodeBody(start, end, encoding, charset, Math.max(room, PREVIEW_CHARS * 8));
            if (subtype.equals("html")) {
                decoded = HtmlText.text(decoded);
            }
            if (room > 0) {
                text.append(decoded, 0, Math.min(decoded.length(), room)).append('\n');
            }
            if (wantPreview) {
                String p = WHITESPACE.matcher(decoded).replaceAll(" ").trim();
                if (!p.isEmpty()) {
                    preview = p.length() > PREVIEW_CHARS ? p.substring(0, PREVIEW_CHARS) : p;
                }
            }
        }

        private String decodeBody(int start, int end, String encoding, String charsetName, int maxChars) {
            // Enough bytes for maxChars in any encoding and charset (base64 4/3, quoted-printable 3, UTF-32 4),
            // not the whole part: a 50 MB text part must not be copied to index its first 256K characters.
            byte[] raw = new byte[(int) Math.min(end - start, maxChars * 16L)];
            buf.get(start, raw);
            InputStream in = new ByteArrayInputStream(raw);
            String enc = encoding.toLowerCase(Locale.ROOT);
            if (enc.equals("base64")) {
                in = new Base64InputStream(in, DecodeMonitor.SILENT);
            } else if (enc.equals("quoted-printable")) {
                in = new QuotedPrintableInputStream(in, DecodeMonitor.SILENT);
            }
            Charset cs = charset(charsetName);
            StringBuilder sb = new StringBuilder();
            try (Reader r = new InputStreamReader(in, cs)) {
                char[] chunk = new char[8192];
                int n;
                while (sb.length() < maxChars && (n = r.read(chunk)) > 0) {
                    sb.append(chunk, 0, n);
                }
            } catch (IOException e) {
                // undecodable: keep what was decoded
            }
            return sb.length() > maxChars ? sb.substring(0, maxChars) : sb.toString();
        }

        private int countLines(int start, int end) {
            int lines = 0;
            for (int i = start; i < end; i++) {
                if (buf.get(i) == '\n') {
                    lines++;
                }
            }
            if (end > start && buf.get(end - 1) != '\n') {
                lines++;
            }
            return lines;
        }

        int lineEnd(int pos, int end) {
            for (int i = pos; i < end; i++) {
                if (buf.get(i) == '\n') {
                    return i + 1;
                }
            }
            return end;
        }

        int stripEol(int pos, int lineEnd) {
            int e = lineEnd;
            if (e > pos && buf.get(e - 1) == '\n') {
                e--;
                if (e > pos && buf.get(e - 1) == '\r') {
                    e--;
                }
            }
            return e;
        }

        String latin1(int start, int end) {
            byte[] b = new byte[end - start];
            buf.get(start, b);
            return new String(b, StandardCharsets.ISO_8859_1);
        }

        /** Header bytes as UTF-8 when they are valid UTF-8 (RFC 6532), otherwise as Latin-1. */
        String decodeRaw(int start, int end) {
            byte[] b = new byte[end - start];
            buf.get(start, b);
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(b)).toString();
            } catch (CharacterCodingException e) {
                return new String(b, StandardCharsets.ISO_8859_1);
            }
        }
    }

    private record Header(List<HeaderField> fields, int start, int bodyStart) {
    }

    // ---- fields ----

    private static boolean isIdentityEncoding(String encoding) {
        return encoding.equals("7BIT") || encoding.equals("8BIT") || encoding.equals("BINARY");
    }

    private static String unfold(String value) {
        return value.replace("\r\n", "").replace("\n", "").replace("\r", "");
    }

    private static String fieldValue(List<HeaderField> fields, String name) {
        for (HeaderField f : fields) {
            if (f.name().equalsIgnoreCase(name)) {
                return f.value();
            }
        }
        return null;
    }

    private static ParsedField parse(String name, String value) {
        try {
            return LenientFieldParser.parse(name + ": " + value);
        } catch (Exception e) {
            return null;
        }
    }

    private static ContentTypeField contentType(List<HeaderField> fields) {
        String v = fieldValue(fields, "Content-Type");
        return v != null && parse("Content-Type", v) instanceof ContentTypeField ct ? ct : null;
    }

    private static void disposition(List<HeaderField> fields, BodyPart.Builder b) {
        String v = fieldValue(fields, "Content-Disposition");
        if (v != null && parse("Content-Disposition", v) instanceof ContentDispositionField d
                && d.getDispositionType() != null && !d.getDispositionType().isEmpty()) {
            b.setDisposition(d.getDispositionType());
            d.getParameters().forEach((k, val) -> b.addDispositionParams(param(k, val)));
        }
        String lang = fieldValue(fields, "Content-Language");
        if (lang != null && parse("Content-Language", lang) instanceof ContentLanguageField l) {
            b.addAllLanguage(l.getLanguages());
        }
        String loc = fieldValue(fields, "Content-Location");
        if (loc != null) {
            b.setLocation(loc);
        }
    }

    private static Parameter param(String name, String value) {
        return Parameter.newBuilder().setName(name).setValue(value == null ? "" : value).build();
    }

    private static Charset charset(String name) {
        if (name == null || name.isBlank()) {
            return StandardCharsets.US_ASCII;
        }
        try {
            return Charset.forName(name.trim());
        } catch (Exception e) {
            return StandardCharsets.ISO_8859_1;
        }
    }

    static String decodeWords(String value) {
        try {
            return DecoderUtil.decodeEncodedWords(value, DecodeMonitor.SILENT);
        } catch (RuntimeException e) {
            return value;
        }
    }

    /** The sent date: its instant (SORT) and its day as written (SEARCH SENT*), or null without a usable Date. */
    record Sent(Instant instant, LocalDate day) {
    }

    private static Sent sentDate(List<HeaderField> fields) {
        String v = fieldValue(fields, "Date");
        if (v == null) {
            return null;
        }
        OffsetDateTime common = rfc5322Date(v);
        if (common != null) {
            return new Sent(common.toInstant(), common.toLocalDate());
        }
        if (parse("Date", v) instanceof DateTimeField d && d.getDate() != null) {
            // mime4j keeps no zone: the day is taken in UTC.
            Instant at = d.getDate().toInstant();
            return new Sent(at, LocalDate.ofInstant(at, ZoneOffset.UTC));
        }
        return null;
    }

    /**
     * RFC 5322 section 4.3: the obsolete zone names, with their offsets. Military letters and any other alphabetic zone
     * mean "-0000" (an unknown zone, taken as UTC), as the RFC says. mime4j read all of these as +0000, which put a
     * message sent at 21:00 EST on the wrong day.
     */
    private static final Map<String, String> OBS_ZONES = Map.of("UT", "+0000", "GMT", "+0000", "EST", "-0500",
            "EDT", "-0400", "CST", "-0600", "CDT", "-0500", "MST", "-0700", "MDT", "-0600", "PST", "-0800",
            "PDT", "-0700");

    /**
     * The date and zone of a Date field in the forms mail clients write ("Thu, 7 Mar 2024 09:00:00 +0000", perhaps
     * followed by a comment such as "(UTC)"), the obsolete forms of RFC 5322 section 4.3 included (a zone name, a
     * two- or three-digit year), or null for anything else. mime4j's grammar-based parser took more than a quarter of
     * the time to index a message; these forms need no grammar. Everything else (text after the zone, no zone, no
     * space after the comma) goes to mime4j, which keeps no zone.
     */
    static OffsetDateTime rfc5322Date(String value) {
        String v = value.trim();
        OffsetDateTime current = rfc1123(v);
        if (current != null) {
            return current;
        }
        String rewritten = obsolete(v);
        return rewritten == null ? null : rfc1123(rewritten);
    }

    private static OffsetDateTime rfc1123(String v) {
        ParsePosition pos = new ParsePosition(0);
        TemporalAccessor t = DateTimeFormatter.RFC_1123_DATE_TIME.parseUnresolved(v, pos);
        if (t == null || pos.getErrorIndex() >= 0 || !onlyComment(v, pos.getIndex())
                || t.getLong(ChronoField.YEAR) < 1000) {
            return null;
        }
        try {
            return OffsetDateTime.of((int) t.getLong(ChronoField.YEAR), (int) t.getLong(ChronoField.MONTH_OF_YEAR),
                    (int) t.getLong(ChronoField.DAY_OF_MONTH), (int) t.getLong(ChronoField.HOUR_OF_DAY),
                    (int) t.getLong(ChronoField.MINUTE_OF_HOUR), t.isSupported(ChronoField.SECOND_OF_MINUTE)
                            ? (int) t.getLong(ChronoField.SECOND_OF_MINUTE) : 0,
                    0, ZoneOffset.ofTotalSeconds((int) t.getLong(ChronoField.OFFSET_SECONDS)));
        } catch (DateTimeException e) {
            return null; // 31 February, an hour 24, an offset out of range: mime4j decides
        }
    }

    /**
     * The obsolete parts of a date rewritten in the current syntax: a year of two digits gets 2000 added below 50 and
     * 1900 from 50, one of three digits 1900 (RFC 5322 section 4.3); a zone name its offset. Null when there is
     * neither: only a date that the current syntax did not read comes here, so the common form pays nothing for it.
     */
    private static String obsolete(String v) {
        int comment = v.indexOf('(');
        String date = comment < 0 ? v : v.substring(0, comment).stripTrailing();
        String rest = comment < 0 ? "" : " " + v.substring(comment);
        String[] t = date.split("[ \t]+");
        int time = t.length - 2; // [day-of-week,] day month year time zone
        if (t.length < 5 || t[time].indexOf(':') < 0) {
            return null;
        }
        boolean changed = false;
        String zone = t[t.length - 1];
        if (zone.chars().allMatch(c -> (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
            t[t.length - 1] = OBS_ZONES.getOrDefault(zone.toUpperCase(Locale.ROOT), "-0000");
            changed = true;
        }
        String year = t[time - 1];
        if ((year.length() == 2 || year.length() == 3) && year.chars().allMatch(c -> c >= '0' && c <= '9')) {
            int y = Integer.parseInt(year);
            t[time - 1] = Integer.toString(y + (year.length() == 3 || y >= 50 ? 1900 : 2000));
            changed = true;
        }
        return changed ? String.join(" ", t) + rest : null;
    }

    /** Whether value[from..] is empty or one comment in parentheses. */
    private static boolean onlyComment(String value, int from) {
        int i = from;
        while (i < value.length() && (value.charAt(i) == ' ' || value.charAt(i) == '\t')) {
            i++;
        }
        return i == value.length() || (value.charAt(i) == '(' && value.indexOf(')') == value.length() - 1
                && value.indexOf('(', i + 1) < 0);
    }

    static Envelope envelope(List<HeaderField> fields) {
        Envelope.Builder e = Envelope.newBuilder();
        String v;
        if ((v = fieldValue(fields, "Date")) != null) {
            e.setDate(v);
        }
        if ((v = fieldValue(fields, "Subject")) != null) {
            e.setSubject(v);
        }
        List<Address> from = EnvelopeAddresses.envelope(fieldValue(fields, "From"));
        e.addAllFrom(from);
        // RFC 3501: Sender and Reply-To default to From.
        List<Address> sender = EnvelopeAddresses.envelope(fieldValue(fields, "Sender"));
        e.addAllSender(sender.isEmpty() ? from : sender);
        List<Address> replyTo = EnvelopeAddresses.envelope(fieldValue(fields, "Reply-To"));
        e.addAllReplyTo(replyTo.isEmpty() ? from : replyTo);
        e.addAllTo(EnvelopeAddresses.envelope(fieldValue(fields, "To")));
        e.addAllCc(EnvelopeAddresses.envelope(fieldValue(fields, "Cc")));
        e.addAllBcc(EnvelopeAddresses.envelope(fieldValue(fields, "Bcc")));
        if ((v = fieldValue(fields, "In-Reply-To")) != null) {
            e.setInReplyTo(v);
        }
        if ((v = fieldValue(fields, "Message-ID")) != null) {
            e.setMessageId(v);
        }
        return e.build();
    }
}
