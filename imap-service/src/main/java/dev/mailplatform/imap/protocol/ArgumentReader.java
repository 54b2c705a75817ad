package dev.mailplatform.imap.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the arguments of one complete command: the command text with its literals already collected. Every method
 * either consumes exactly its syntax element or throws {@link BadSyntaxException}.
 *
 * <p>Public only because the per-command parsers live in the {@code command} package. A little over 350 lines:
 * it is RFC 3501 §9's argument grammar (atoms, strings, literals, lists, dates, sequence sets, flags) over one
 * cursor, which is clearer in one place than split.
 */
public final class ArgumentReader {

    private final byte[] text;
    private final int length;
    private final int[] literalPositions;
    private final byte[][] literals;
    private final int maxNesting;
    private int pos;
    private int literalIndex;
    private int depth;

    ArgumentReader(byte[] text, int length, int[] literalPositions, byte[][] literals, int maxNesting) {
        this.text = text;
        this.length = length;
        this.literalPositions = literalPositions;
        this.literals = literals;
        this.maxNesting = maxNesting;
    }

    /** For tests and for parsing text without literals. */
    public static ArgumentReader of(String commandText, int maxNesting) {
        byte[] b = commandText.getBytes(StandardCharsets.UTF_8);
        return new ArgumentReader(b, b.length, new int[0], new byte[0][], maxNesting);
    }

    // ---- character classes of RFC 3501 §9 ----

    static boolean atomChar(int c) {
        return c > 0x20 && c < 0x7f && c != '(' && c != ')' && c != '{' && c != '%' && c != '*' && c != '"'
                && c != '\\' && c != ']';
    }

    static boolean astringChar(int c) {
        return atomChar(c) || c == ']';
    }

    static boolean listChar(int c) {
        return astringChar(c) || c == '%' || c == '*';
    }

    static boolean tagChar(int c) {
        return astringChar(c) && c != '+';
    }

    // ---- position ----

    private boolean atLiteral() {
        return literalIndex < literalPositions.length && literalPositions[literalIndex] == pos;
    }

    public boolean atEnd() {
        return pos >= length && !atLiteral();
    }

    /** The next character, or -1 at the end or at a literal. */
    public int peek() {
        return atLiteral() || pos >= length ? -1 : text[pos] & 0xff;
    }

    public boolean peekIs(char c) {
        return peek() == c;
    }

    public void expect(char c) {
        if (peek() != c) {
            throw new BadSyntaxException(c == ' ' ? "expected SP" : "expected '" + c + "'");
        }
        pos++;
    }

    public void sp() {
        expect(' ');
        // Lenient like Dovecot and James: clients do send two spaces between arguments (STORE 1  FLAGS ...), and no
        // argument starts with a space, so a run of them is as unambiguous as one.
        while (peek() == ' ') {
            pos++;
        }
    }

    /** Consumes {@code c} if it is next. */
    public boolean skip(char c) {
        if (peek() == c) {
            pos++;
            return true;
        }
        return false;
    }

    public void end() {
        if (!atEnd()) {
            throw new BadSyntaxException("unexpected text at end of command");
        }
    }

    // ---- nesting ----

    public void open() {
        expect('(');
        enter();
    }

    public void close() {
        expect(')');
        leave();
    }

    /** Counts one level of nesting (a parenthesised list or a recursive search key) against the limit. */
    public void enter() {
        if (++depth > maxNesting) {
            throw new BadSyntaxException("nesting too deep");
        }
    }

    public void leave() {
        depth--;
    }

    // ---- tokens ----

    private String run(java.util.function.IntPredicate accept, String what) {
        int start = pos;
        while (pos < length && !atLiteral() && accept.test(text[pos] & 0xff)) {
            pos++;
        }
        if (pos == start) {
            throw new BadSyntaxException("expected " + what);
        }
        return new String(text, start, pos - start, StandardCharsets.US_ASCII);
    }

    public String tag() {
        return run(ArgumentReader::tagChar, "tag");
    }

    public String atom() {
        return run(ArgumentReader::atomChar, "atom");
    }

    /** An atom upper-cased with a locale-independent rule (command names, keywords of the grammar). */
    public String keyword() {
        return atom().toUpperCase(Locale.ROOT);
    }

    /** Letters, digits and dots: the names of fetch attributes and section texts, which stop at '[' or '<'. */
    public String dottedName() {
        return run(c -> (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.'
                || c == '-', "name").toUpperCase(Locale.ROOT);
    }

    public long number() {
        String digits = run(c -> c >= '0' && c <= '9', "number");
        if (digits.length() > 19 || digits.length() == 19 && digits.compareTo("9223372036854775807") > 0) {
            throw new BadSyntaxException("number too large");
        }
        return Long.parseLong(digits);
    }

    /** RFC 7162 {@code mod-sequence-value}: 1 to 2^63-1 (0 is {@code mod-sequence-valzer}, see {@link #number}). */
    public long modSequence() {
        long v = number();
        if (v == 0) {
            throw new BadSyntaxException("mod-sequence must not be zero");
        }
        return v;
    }

    /** RFC 3501 number: 32-bit unsigned. */
    public long number32() {
        long v = number();
        if (v > SequenceSet.MAX_NUMBER) {
            throw new BadSyntaxException("number too large");
        }
        return v;
    }

    public long nzNumber() {
        long v = number32();
        if (v == 0) {
            throw new BadSyntaxException("number must not be zero");
        }
        return v;
    }

    /** RFC 3501 sequence-set, or RFC 5182's {@code $} standing alone for the saved search result. */
    public SequenceSet sequenceSet() {
        if (skip('$')) {
            int c = peek();
            if (c == ',' || c == ':' || (c >= '0' && c <= '9') || c == '*' || c == '$') {
                throw new BadSyntaxException("invalid sequence set: $ stands alone");
            }
            return SequenceSet.SAVED;
        }
        String s;
        try {
            s = run(c -> (c >= '0' && c <= '9') || c == ':' || c == ',' || c == '*', "sequence set");
        } catch (BadSyntaxException e) {
            throw new BadSyntaxException("invalid sequence set");
        }
        try {
            return SequenceSet.parse(s);
        } catch (IllegalArgumentException e) {
            throw new BadSyntaxException("invalid sequence set");
        }
    }

    public boolean atSequenceSet() {
        int c = peek();
        return (c >= '0' && c <= '9') || c == '*' || c == '$';
    }

    /** quoted / literal, decoded as UTF-8. */
    public String string() {
        if (atLiteral()) {
            return new String(literals[literalIndex++], StandardCharsets.UTF_8);
        }
        if (peek() != '"') {
            throw new BadSyntaxException("expected string");
        }
        pos++;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        while (true) {
            if (pos >= length || atLiteral()) {
                throw new BadSyntaxException("unterminated quoted string");
            }
            int c = text[pos++] & 0xff;
            if (c == '"') {
                break;
            }
            if (c == '\\') {
                int e = pos < length && !atLiteral() ? text[pos] & 0xff : -1;
                if (e != '"' && e != '\\') {
                    throw new BadSyntaxException("invalid escape in quoted string");
                }
                pos++;
                out.write(e);
            } else if (c == 0 || c == '\r' || c == '\n') {
                throw new BadSyntaxException("invalid character in quoted string");
            } else {
                // 8-bit is outside RFC 3501 but clients send UTF-8 here; it is decoded rather than refused.
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    public boolean atString() {
        return atLiteral() || peek() == '"';
    }

    public String astring() {
        return atString() ? string() : run(ArgumentReader::astringChar, "astring");
    }

    /** A string, or null for NIL. */
    public String nstring() {
        if (!atString()) {
            String a = atom();
            if (!a.equalsIgnoreCase("NIL")) {
                throw new BadSyntaxException("expected string or NIL");
            }
            return null;
        }
        return string();
    }

    /** True (and consumed) when the next token is the atom NIL. */
    public boolean nil() {
        if (pos + 3 <= length && !atLiteral()) {
            boolean n = new String(text, pos, 3, StandardCharsets.US_ASCII).equalsIgnoreCase("NIL");
            int after = pos + 3 < length ? text[pos + 3] & 0xff : -1;
            boolean literalAfter = literalIndex < literalPositions.length && literalPositions[literalIndex] == pos + 3;
            if (n && !literalAfter && (after == -1 || !atomChar(after))) {
                pos += 3;
                return true;
            }
        }
        return false;
    }

    /**
     * An astring naming a mailbox, decoded from modified UTF-7. INBOX keeps the client's case. A name that is not
     * valid modified UTF-7 is still a valid astring, so not a syntax error: it comes back marked by
     * {@link ModifiedUtf7#unusable}, a name no mailbox can have, and the command answers NO (as Dovecot does).
     */
    public String mailbox() {
        return decodeMailbox(astring());
    }

    /** {@code list-mailbox}: like a mailbox but the wildcards {@code %} and {@code *} are allowed unquoted. */
    public String listMailbox() {
        return decodeMailbox(atString() ? string() : run(ArgumentReader::listChar, "mailbox pattern"));
    }

    private static String decodeMailbox(String raw) {
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                // 8-bit or control characters: not an IMAP4rev1 name in any encoding (no UTF8=ACCEPT here).
                throw new BadSyntaxException("mailbox name is not valid modified UTF-7");
            }
        }
        try {
            return ModifiedUtf7.decode(raw);
        } catch (IllegalArgumentException e) {
            return ModifiedUtf7.unusable(raw);
        }
    }

    /** A {@code flag}: system flags canonicalised, {@code \Recent} and unknown system flags refused. */
    public String storableFlag() {
        if (skip('\\')) {
            String name = atom();
            String canonical = canonicalSystemFlag(name);
            if (canonical == null) {
                throw new BadSyntaxException("unknown system flag \\" + name);
            }
            if (canonical.equals("\\Recent")) {
                throw new BadSyntaxException("\\Recent cannot be stored");
            }
            return canonical;
        }
        return atom();
    }

    /** The canonical spelling of a system flag named without its backslash, or null if there is none. */
    public static String canonicalSystemFlag(String nameWithoutBackslash) {
        switch (nameWithoutBackslash.toUpperCase(Locale.ROOT)) {
            case "SEEN":
                return "\\Seen";
            case "ANSWERED":
                return "\\Answered";
            case "FLAGGED":
                return "\\Flagged";
            case "DELETED":
                return "\\Deleted";
            case "DRAFT":
                return "\\Draft";
            case "RECENT":
                return "\\Recent";
            default:
                return null;
        }
    }

    /** {@code flag-list}: {@code (flag *(SP flag))}, possibly empty. */
    public List<String> flagList() {
        open();
        List<String> flags = new ArrayList<>();
        if (!peekIs(')')) {
            flags.add(storableFlag());
            while (skip(' ')) {
                flags.add(storableFlag());
            }
        }
        close();
        return flags;
    }

    /** A quoted {@code date-time}. */
    public java.time.OffsetDateTime dateTime() {
        if (peek() != '"') {
            throw new BadSyntaxException("expected date-time");
        }
        String s = string();
        try {
            return ImapDates.parseDateTime(s);
        } catch (IllegalArgumentException e) {
            throw new BadSyntaxException("invalid date-time");
        }
    }

    /** {@code date}: date-text, optionally quoted. */
    public java.time.LocalDate date() {
        String s = peek() == '"' ? string() : run(c -> c != ' ' && c != ')' && atomChar(c), "date");
        try {
            return ImapDates.parseDate(s);
        } catch (IllegalArgumentException e) {
            throw new BadSyntaxException("invalid date");
        }
    }
}
