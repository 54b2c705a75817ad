package dev.mailplatform.imap.protocol;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Collection;

/**
 * Append-only builder of server responses. No I/O: the session sends {@link #toBytes()} or {@link #take()}.
 *
 * <p>Strings go out quoted only when that is unambiguous for every client (printable ASCII); anything else becomes a
 * literal, which all clients must accept. Atoms are written only with RFC 3501 ATOM-CHARs, so even where the grammar
 * would allow {@code ]} in an astring it is quoted, keeping it away from clients that scan for response-code ends.
 */
public final class ResponseWriter {

    private static final byte[] CRLF = {'\r', '\n'};

    private byte[] buf;
    private int len;

    public ResponseWriter() {
        this(1024);
    }

    public ResponseWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    // ---- line starts ----

    public ResponseWriter untagged() {
        return raw("* ");
    }

    public ResponseWriter tagged(String tag) {
        return raw(tag).sp();
    }

    /**
     * {@code + text CRLF}; the text is sanitised like any response text. An empty text stays empty: that is the
     * empty SASL challenge ({@code "+ "}), which clients decode as base64.
     */
    public ResponseWriter continuation(String text) {
        raw("+ ");
        return text(text == null ? "" : text).crlf();
    }

    // ---- tokens ----

    public ResponseWriter atom(String atom) {
        if (atom.isEmpty()) {
            throw new IllegalArgumentException("empty atom");
        }
        return raw(atom);
    }

    /** ASCII as is; the caller vouches for the syntax. */
    public ResponseWriter raw(String ascii) {
        ensure(ascii.length());
        for (int i = 0; i < ascii.length(); i++) {
            char c = ascii.charAt(i);
            if (c > 0x7f) {
                throw new IllegalArgumentException("raw text must be ASCII");
            }
            buf[len++] = (byte) c;
        }
        return this;
    }

    public ResponseWriter sp() {
        return put((byte) ' ');
    }

    public ResponseWriter number(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("IMAP numbers are unsigned");
        }
        return raw(Long.toString(n));
    }

    public ResponseWriter nil() {
        return raw("NIL");
    }

    public ResponseWriter open() {
        return put((byte) '(');
    }

    public ResponseWriter close() {
        return put((byte) ')');
    }

    public ResponseWriter crlf() {
        return bytes(CRLF, 0, 2);
    }

    /** Quoted when {@link #quotable}, otherwise a literal of the UTF-8 bytes. */
    public ResponseWriter string(String s) {
        if (quotable(s)) {
            return raw(quoted(s));
        }
        return literal(s.getBytes(StandardCharsets.UTF_8));
    }

    public ResponseWriter nstring(String s) {
        return s == null ? nil() : string(s);
    }

    /** An atom when {@code s} is one (and is not NIL, which would read as nil), else a string. */
    public ResponseWriter astring(String s) {
        return isAtom(s) ? raw(s) : string(s);
    }

    /** A mailbox name given in Unicode: modified UTF-7 encoded, then as an astring. */
    public ResponseWriter mailbox(String unicodeName) {
        return astring(ModifiedUtf7.encode(unicodeName));
    }

    public ResponseWriter literal(byte[] data) {
        literalHeader(data.length);
        return bytes(data, 0, data.length);
    }

    /** {@code {N}CRLF} only: the caller streams the N bytes itself. */
    public ResponseWriter literalHeader(long size) {
        return raw("{").number(size).raw("}").crlf();
    }

    /** Bytes as is, e.g. a small message part after {@link #literalHeader}. */
    public ResponseWriter bytes(byte[] data, int off, int n) {
        ensure(n);
        System.arraycopy(data, off, buf, len, n);
        len += n;
        return this;
    }

    /** {@code (\Seen $Label)}. */
    public ResponseWriter flags(Collection<String> flags) {
        open();
        boolean first = true;
        for (String f : flags) {
            if (!first) {
                sp();
            }
            first = false;
            raw(f);
        }
        return close();
    }

    /** A quoted {@code date-time}: {@code "27-Nov-2026 04:56:47 +0000"}. */
    public ResponseWriter dateTime(OffsetDateTime t) {
        return raw("\"" + ImapDates.formatDateTime(t) + "\"");
    }

    public ResponseWriter dateTime(Instant instant, ZoneOffset offset) {
        return dateTime(instant.atOffset(offset));
    }

    /** Human-readable response text: CR, LF and other controls become spaces so the line cannot be split. */
    public ResponseWriter text(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? ' ' : c);
        }
        byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
        return bytes(b, 0, b.length);
    }

    /**
     * A whole status line: {@code tag OK [code] text CRLF}.
     *
     * @param tagOrStar a tag, or {@code *} for an untagged response
     * @param code      the response code without brackets, or null
     */
    public ResponseWriter statusResponse(String tagOrStar, String status, String code, String text) {
        raw(tagOrStar).sp().raw(status).sp();
        if (code != null && !code.isEmpty()) {
            put((byte) '[');
            text(code.replace(']', ' '));
            put((byte) ']').sp();
        }
        return text(text == null || text.isEmpty() ? status : text).crlf();
    }

    // ---- output ----

    public byte[] toBytes() {
        return Arrays.copyOf(buf, len);
    }

    /** The bytes written so far, then {@link #reset()}. */
    public byte[] take() {
        byte[] out = toBytes();
        reset();
        return out;
    }

    public int size() {
        return len;
    }

    public void reset() {
        len = 0;
        if (buf.length > 1 << 16) {
            buf = new byte[1024];
        }
    }

    @Override
    public String toString() {
        return new String(buf, 0, len, StandardCharsets.UTF_8);
    }

    // ---- syntax checks ----

    public static boolean quotable(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    public static boolean isAtom(String s) {
        if (s.isEmpty() || s.equalsIgnoreCase("NIL")) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!ArgumentReader.atomChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** {@code s} as an atom if it is one, else quoted; only for text that is {@link #quotable}. */
    static String astringText(String s) {
        return isAtom(s) ? s : quoted(s);
    }

    private static String quoted(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append('"').toString();
    }

    private ResponseWriter put(byte b) {
        ensure(1);
        buf[len++] = b;
        return this;
    }

    private void ensure(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }
}
