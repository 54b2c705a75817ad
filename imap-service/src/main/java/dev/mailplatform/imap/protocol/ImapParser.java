package dev.mailplatform.imap.protocol;

import dev.mailplatform.imap.protocol.command.Command;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Incremental IMAP4rev1 command parser: bytes in through {@link #feed}, events out through {@link #next}. No I/O.
 *
 * <p>Bytes are only interpreted when {@link #next} is called, one event at a time, so a caller can switch modes
 * ({@link #expectLine}, {@link #acceptLiteral}, ...) between events and the bytes already fed are read in the new mode.
 *
 * <p>Memory: the command text is bounded by {@code maxLineLength} (counted over all line pieces of one command,
 * excluding CRLFs and literal payloads) and literals by {@code maxLiteralSize} (each, and in total per command). APPEND
 * message data is never held beyond what was fed and not yet taken as {@link ParseEvent.AppendData}.
 *
 * <p>Lines are accepted with a bare LF as well as CRLF: refusing them gains nothing and breaks hand-typed sessions.
 *
 * <p>{@link ParseEvent.Fatal} is only reported for a line that keeps going without LF far past the line limit
 * (64 times it): discarding forever would keep a connection busy on garbage.
 *
 * <p>Longer than 350 lines on purpose: it is one state machine over one buffer, and its states (command text,
 * literals, APPEND's streamed literal, skipping after an error, raw lines) share the buffer's cursor and limits;
 * split, each part would reach into the others' fields.
 */
public final class ImapParser {

    private enum State {
        COMMAND, LITERAL, APPEND_DECISION, APPEND_DATA, APPEND_TAIL, SKIP_LITERAL, SKIP_LINE, RAW_LINE, RAW_SKIP, DEAD
    }

    /** Enough for "{" + 19 digits + "+}" + CR. */
    private static final int TAIL = 32;

    private record LiteralHeader(int start, long size, boolean sync) {
    }

    private record AppendPrefix(String name, String mailbox, List<String> flags, OffsetDateTime date) {
    }

    private final ParserLimits limits;

    private byte[] in = new byte[4096];
    private int inPos;
    private int inEnd;

    private byte[] text = new byte[256];
    private int textLen;
    /** Where the line piece being read starts in {@link #text}; literals split a command into pieces. */
    private int pieceStart;
    private final List<byte[]> literals = new ArrayList<>();
    private int[] literalPositions = new int[4];
    private long literalTotal;
    private byte[] literal;
    private int literalFilled;

    private State state = State.COMMAND;
    /** Bytes still to come of the APPEND message or of a literal being discarded. */
    private long remaining;
    private String appendTag;
    private boolean appendDiscard;
    private ParseEvent.Bad pendingBad;
    private final byte[] skipTail = new byte[TAIL];
    private int skipTailLen;
    private long skipLineBytes;
    private final CommandSyntax syntax;

    public ImapParser(ParserLimits limits, CommandSyntax syntax) {
        if (limits.maxLiteralSize() > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("maxLiteralSize must fit in an array");
        }
        this.limits = limits;
        this.syntax = syntax;
    }

    /** Adds bytes; they are copied. Nothing is parsed until {@link #next()}. */
    public void feed(byte[] data, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, data.length);
        if (state == State.DEAD || len == 0) {
            return;
        }
        int unread = inEnd - inPos;
        if (unread == 0) {
            inPos = 0;
            inEnd = 0;
            if (in.length > 1 << 16 && len <= 1 << 15) {
                // Give back what one large feed made us allocate.
                in = new byte[4096];
            }
        }
        if (inEnd + len > in.length) {
            byte[] target = unread + len > in.length ? new byte[Math.max(in.length * 2, unread + len)] : in;
            System.arraycopy(in, inPos, target, 0, unread);
            in = target;
            inPos = 0;
            inEnd = unread;
        }
        System.arraycopy(data, off, in, inEnd, len);
        inEnd += len;
    }

    public void feed(byte[] data) {
        feed(data, 0, data.length);
    }

    /** The next event, or {@link ParseEvent#NEED_MORE}. */
    public ParseEvent next() {
        while (true) {
            ParseEvent e = step();
            if (e != null) {
                return e;
            }
        }
    }

    /** Makes the next event a {@link ParseEvent.Line}: for AUTHENTICATE responses and IDLE's DONE. */
    public void expectLine() {
        if (state != State.COMMAND || textLen != 0 || !literals.isEmpty()) {
            throw new IllegalStateException("expectLine() is only allowed between commands");
        }
        state = State.RAW_LINE;
    }

    /** After a synchronising AppendStart: the server sent {@code +}, the message bytes follow. */
    public void acceptLiteral() {
        if (state != State.APPEND_DECISION) {
            throw new IllegalStateException("no APPEND literal awaits a decision");
        }
        state = State.APPEND_DATA;
    }

    /** After a synchronising AppendStart: the server refused, the client will not send the message. */
    public void rejectLiteral() {
        if (state != State.APPEND_DECISION) {
            throw new IllegalStateException("no APPEND literal awaits a decision");
        }
        appendTag = null;
        state = State.COMMAND;
    }

    /** Swallows the rest of the APPEND message without AppendData events; AppendEnd is still reported. */
    public void discardAppend() {
        switch (state) {
            case APPEND_DECISION, APPEND_DATA -> appendDiscard = true;
            case APPEND_TAIL -> {
                // Data is complete already; nothing left to swallow.
            }
            default -> throw new IllegalStateException("no APPEND in progress");
        }
    }

    /** Bytes the parser holds: unread input, command text and literals. For memory-bound tests. */
    long bufferedBytes() {
        return (inEnd - inPos) + textLen + literalTotal + literalFilled;
    }

    /** Bytes the parser has allocated for its buffers. For memory-bound tests. */
    long bufferCapacity() {
        return in.length + text.length + literalTotal + (literal == null ? 0 : literal.length);
    }

    private ParseEvent step() {
        switch (state) {
            case COMMAND:
                return commandStep();
            case LITERAL:
                return literalStep();
            case APPEND_DECISION:
            case DEAD:
                return ParseEvent.NEED_MORE;
            case APPEND_DATA:
                return appendDataStep();
            case APPEND_TAIL:
                return appendTailStep();
            case SKIP_LITERAL:
                return skipLiteralStep();
            case SKIP_LINE:
                return skipLineStep();
            case RAW_LINE:
                return rawLineStep();
            case RAW_SKIP:
                return rawSkipStep();
            default:
                throw new IllegalStateException(state.name());
        }
    }

    // ---- line reading ----

    /** Where the next LF is among the unread bytes, or -1 when none has arrived yet. */
    private int nextLf() {
        for (int i = inPos; i < inEnd; i++) {
            if (in[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /**
     * Moves the bytes of the current line into {@link #text}: 1 when the line ended (LF consumed, CR dropped), 0 when
     * more bytes are needed, -1 when the line is over the limit (the offending bytes are left unread).
     */
    private int readLine() {
        int lf = nextLf();
        int end = lf < 0 ? inEnd : lf;
        int n = end - inPos;
        long length = (long) textLen + n;
        if (lf >= 0) {
            boolean cr = n > 0 ? in[end - 1] == '\r' : textLen > pieceStart && text[textLen - 1] == '\r';
            if (cr) {
                length--;
            }
            if (length > limits.maxLineLength()) {
                return overflow(n);
            }
        } else if (length > limits.maxLineLength() + 1L) {
            // One extra byte: it may be the CR of a CRLF split across feeds.
            return overflow(n);
        }
        appendText(in, inPos, n);
        inPos = end;
        if (lf < 0) {
            return 0;
        }
        inPos++;
        if (textLen > pieceStart && text[textLen - 1] == '\r') {
            textLen--;
        }
        return 1;
    }

    /**
     * Takes the line up to the limit anyway, so that the tag can be reported however the bytes were split; the rest of
     * the line stays unread for skipping.
     */
    private int overflow(int available) {
        int take = (int) Math.min(available, Math.max(0, limits.maxLineLength() + 1L - textLen));
        appendText(in, inPos, take);
        inPos += take;
        return -1;
    }

    private void appendText(byte[] src, int off, int n) {
        if (textLen + n > text.length) {
            text = Arrays.copyOf(text, Math.max(text.length * 2, textLen + n));
        }
        System.arraycopy(src, off, text, textLen, n);
        textLen += n;
    }

    private static LiteralHeader literalHeaderAtEnd(byte[] b, int from, int to) {
        if (to - from < 3 || b[to - 1] != '}') {
            return null;
        }
        int i = to - 2;
        boolean sync = true;
        if (b[i] == '+') {
            sync = false;
            i--;
        }
        int digitsEnd = i + 1;
        while (i >= from && b[i] >= '0' && b[i] <= '9') {
            i--;
        }
        if (i < from || b[i] != '{' || i + 1 == digitsEnd) {
            return null;
        }
        long size = 0;
        for (int k = i + 1; k < digitsEnd; k++) {
            if (size > (Long.MAX_VALUE - 9) / 10) {
                size = Long.MAX_VALUE;
                break;
            }
            size = size * 10 + (b[k] - '0');
        }
        return new LiteralHeader(i, size, sync);
    }

    private void resetCommand() {
        textLen = 0;
        pieceStart = 0;
        literals.clear();
        literalTotal = 0;
        literal = null;
        literalFilled = 0;
        if (text.length > limits.maxLineLength() * 2 + 2) {
            text = new byte[256];
        }
    }

    private ArgumentReader reader() {
        return new ArgumentReader(text, textLen, Arrays.copyOf(literalPositions, literals.size()),
                literals.toArray(new byte[0][]), limits.maxNesting());
    }

    /** The tag if the command text starts with a valid one, for reporting; null otherwise. */
    private String tagOf() {
        if (literals.size() > 0 && literalPositions[0] == 0) {
            return null;
        }
        int i = 0;
        while (i < textLen && ArgumentReader.tagChar(text[i] & 0xff)) {
            i++;
        }
        boolean delimited = i == textLen || text[i] == ' ';
        if (i == 0 || i > limits.maxTagLength() || !delimited) {
            return null;
        }
        return new String(text, 0, i, StandardCharsets.US_ASCII);
    }

    // ---- states ----

    private ParseEvent commandStep() {
        int r = readLine();
        if (r == 0) {
            return ParseEvent.NEED_MORE;
        }
        if (r < 0) {
            startSkip(new ParseEvent.Bad(tagOf(), "line too long (limit " + limits.maxLineLength() + " bytes)"));
            return null;
        }
        if (textLen == 0 && literals.isEmpty()) {
            return new ParseEvent.Bad(null, "empty line");
        }
        LiteralHeader h = literalHeaderAtEnd(text, pieceStart, textLen);
        if (h == null) {
            return completeCommand();
        }
        textLen = h.start();
        String tag = tagOf();
        String problem = commandProblem();
        if (problem != null) {
            return rejectAfterLine(new ParseEvent.Bad(tag, problem), h);
        }
        AppendPrefix append;
        try {
            append = appendPrefix();
        } catch (BadSyntaxException e) {
            return rejectAfterLine(new ParseEvent.Bad(tag, e.getMessage()), h);
        }
        if (append != null) {
            return startAppend(tag, append, h);
        }
        if (h.size() > limits.maxLiteralSize()) {
            return rejectAfterLine(
                    new ParseEvent.Bad(tag, "literal too large (limit " + limits.maxLiteralSize() + " bytes)"), h);
        }
        if (literalTotal + h.size() > limits.maxLiteralSize()) {
            return rejectAfterLine(new ParseEvent.Bad(tag,
                    "literals too large in total (limit " + limits.maxLiteralSize() + " bytes)"), h);
        }
        literal = new byte[(int) h.size()];
        literalFilled = 0;
        state = State.LITERAL;
        return h.sync() ? new ParseEvent.Continue(h.size()) : null;
    }

    /** Why the command before a literal cannot be accepted (bad tag, unknown name), or null. */
    private String commandProblem() {
        if (tagOf() == null) {
            return "invalid tag";
        }
        try {
            ArgumentReader r = reader();
            r.tag();
            r.sp();
            String name = commandName(r);
            return syntax.parser(name) == null ? unknown(name) : null;
        } catch (BadSyntaxException e) {
            return e.getMessage();
        }
    }

    private static String commandName(ArgumentReader r) {
        String name = r.keyword();
        if (name.equals("UID")) {
            r.sp();
            name = "UID " + r.keyword();
        }
        return name;
    }

    private static String unknown(String name) {
        return "unknown command " + (name.length() > 32 ? name.substring(0, 32) + "..." : name);
    }

    /**
     * For a command that streams its message literal (APPEND): the arguments before it when the literal just announced
     * is the message (that is, the mailbox was already read); null when the command does not stream one or the
     * literal is the mailbox name itself.
     */
    private AppendPrefix appendPrefix() {
        ArgumentReader r = reader();
        r.tag();
        r.sp();
        String name = commandName(r);
        if (!syntax.streamsLiteral(name)) {
            return null;
        }
        r.sp();
        if (r.atEnd()) {
            return null;
        }
        String mailbox = r.mailbox();
        r.sp();
        List<String> flags = List.of();
        OffsetDateTime date = null;
        if (r.peekIs('(')) {
            flags = r.flagList();
            r.sp();
        }
        if (r.peekIs('"')) {
            date = r.dateTime();
            r.sp();
        }
        if (!r.atEnd()) {
            throw new BadSyntaxException("expected message literal");
        }
        return new AppendPrefix(name, mailbox, flags, date);
    }

    private ParseEvent startAppend(String tag, AppendPrefix prefix, LiteralHeader h) {
        if (h.size() > limits.maxAppendSize()) {
            return rejectAfterLine(
                    new ParseEvent.Bad(tag, "message too large (limit " + limits.maxAppendSize() + " bytes)"), h);
        }
        resetCommand();
        appendTag = tag;
        appendDiscard = false;
        remaining = h.size();
        state = h.sync() ? State.APPEND_DECISION : State.APPEND_DATA;
        return new ParseEvent.AppendStart(prefix.name(), tag, prefix.mailbox(), prefix.flags(), prefix.date(), h.size(), h.sync());
    }

    private ParseEvent completeCommand() {
        String tag = null;
        try {
            ArgumentReader r = reader();
            String t = r.tag();
            if (t.length() > limits.maxTagLength() || !(r.atEnd() || r.peekIs(' '))) {
                // The tag is longer than it looks or runs into junk: echoing a prefix of it would mislead the client.
                throw new BadSyntaxException("invalid tag");
            }
            tag = t;
            r.sp();
            String name = commandName(r);
            CommandSyntax.CommandParser parser = syntax.parser(name);
            if (parser == null) {
                throw new BadSyntaxException(unknown(name));
            }
            Command command = parser.parse(tag, r);
            r.end();
            return new ParseEvent.Request(command);
        } catch (BadSyntaxException e) {
            if (tag == null) {
                int i = 0;
                while (i < textLen && ArgumentReader.tagChar(text[i] & 0xff)) {
                    i++;
                }
                return new ParseEvent.Bad(null, i > limits.maxTagLength() ? "tag too long" : "invalid tag");
            }
            return new ParseEvent.Bad(tag, e.getMessage());
        } finally {
            resetCommand();
        }
    }

    /**
     * Refuses a command whose line just ended with literal header {@code h} (or none): a synchronising literal will
     * not be sent since no {@code +} goes out, a non-synchronising one must be read and dropped along with the rest of
     * the command.
     */
    private ParseEvent rejectAfterLine(ParseEvent.Bad bad, LiteralHeader h) {
        resetCommand();
        appendTag = null;
        if (h == null || h.sync()) {
            state = State.COMMAND;
            return bad;
        }
        pendingBad = bad;
        remaining = h.size();
        state = State.SKIP_LITERAL;
        return null;
    }

    /** Refuses a command in the middle of a line: drop the rest of it, then report. */
    private void startSkip(ParseEvent.Bad bad) {
        pendingBad = bad;
        int from = Math.max(pieceStart, textLen - TAIL);
        skipTailLen = textLen - from;
        System.arraycopy(text, from, skipTail, 0, skipTailLen);
        skipLineBytes = textLen - pieceStart;
        resetCommand();
        appendTag = null;
        state = State.SKIP_LINE;
    }

    private ParseEvent literalStep() {
        if (literalFilled < literal.length) {
            int avail = inEnd - inPos;
            if (avail == 0) {
                return ParseEvent.NEED_MORE;
            }
            int n = Math.min(avail, literal.length - literalFilled);
            System.arraycopy(in, inPos, literal, literalFilled, n);
            inPos += n;
            literalFilled += n;
            if (literalFilled < literal.length) {
                return ParseEvent.NEED_MORE;
            }
        }
        if (literals.size() == literalPositions.length) {
            literalPositions = Arrays.copyOf(literalPositions, literalPositions.length * 2);
        }
        literalPositions[literals.size()] = textLen;
        literals.add(literal);
        literalTotal += literal.length;
        literal = null;
        literalFilled = 0;
        pieceStart = textLen;
        state = State.COMMAND;
        return null;
    }

    private ParseEvent appendDataStep() {
        if (remaining == 0) {
            state = State.APPEND_TAIL;
            return null;
        }
        int avail = inEnd - inPos;
        if (avail == 0) {
            return ParseEvent.NEED_MORE;
        }
        int n = (int) Math.min(avail, remaining);
        int from = inPos;
        inPos += n;
        remaining -= n;
        if (appendDiscard) {
            return null;
        }
        return new ParseEvent.AppendData(Arrays.copyOfRange(in, from, from + n));
    }

    private ParseEvent appendTailStep() {
        String tag = appendTag;
        int r = readLine();
        if (r == 0) {
            return ParseEvent.NEED_MORE;
        }
        if (r < 0) {
            startSkip(new ParseEvent.Bad(tag, "unexpected text after message literal"));
            return null;
        }
        if (textLen == 0) {
            resetCommand();
            appendTag = null;
            state = State.COMMAND;
            return new ParseEvent.AppendEnd(tag);
        }
        LiteralHeader h = literalHeaderAtEnd(text, 0, textLen);
        String reason = text[0] == ' ' ? "MULTIAPPEND is not supported" : "unexpected text after message literal";
        return rejectAfterLine(new ParseEvent.Bad(tag, reason), h);
    }

    private ParseEvent skipLiteralStep() {
        if (remaining > 0) {
            int avail = inEnd - inPos;
            if (avail == 0) {
                return ParseEvent.NEED_MORE;
            }
            int n = (int) Math.min(avail, remaining);
            inPos += n;
            remaining -= n;
            if (remaining > 0) {
                return ParseEvent.NEED_MORE;
            }
        }
        skipTailLen = 0;
        skipLineBytes = 0;
        state = State.SKIP_LINE;
        return null;
    }

    private ParseEvent skipLineStep() {
        int lf = nextLf();
        int end = lf < 0 ? inEnd : lf;
        keepTail(in, inPos, end - inPos);
        skipLineBytes += end - inPos;
        inPos = end;
        if (lf < 0) {
            if (skipLineBytes > 64L * limits.maxLineLength()) {
                state = State.DEAD;
                inPos = inEnd;
                return new ParseEvent.Fatal("line too long (limit " + limits.maxLineLength() + " bytes)");
            }
            return ParseEvent.NEED_MORE;
        }
        inPos++;
        int tailLen = skipTailLen;
        if (tailLen > 0 && skipTail[tailLen - 1] == '\r') {
            tailLen--;
        }
        LiteralHeader h = literalHeaderAtEnd(skipTail, 0, tailLen);
        if (h != null && !h.sync()) {
            remaining = h.size();
            state = State.SKIP_LITERAL;
            return null;
        }
        state = State.COMMAND;
        ParseEvent.Bad bad = pendingBad;
        pendingBad = null;
        return bad;
    }

    private void keepTail(byte[] src, int off, int n) {
        if (n >= TAIL) {
            System.arraycopy(src, off + n - TAIL, skipTail, 0, TAIL);
            skipTailLen = TAIL;
            return;
        }
        int keep = Math.min(skipTailLen, TAIL - n);
        System.arraycopy(skipTail, skipTailLen - keep, skipTail, 0, keep);
        System.arraycopy(src, off, skipTail, keep, n);
        skipTailLen = keep + n;
    }

    private ParseEvent rawLineStep() {
        int r = readLine();
        if (r == 0) {
            return ParseEvent.NEED_MORE;
        }
        if (r < 0) {
            resetCommand();
            pendingBad = new ParseEvent.Bad(null, "line too long (limit " + limits.maxLineLength() + " bytes)");
            state = State.RAW_SKIP;
            return null;
        }
        String line = new String(text, 0, textLen, StandardCharsets.UTF_8);
        resetCommand();
        state = State.COMMAND;
        return new ParseEvent.Line(line);
    }

    private ParseEvent rawSkipStep() {
        int lf = nextLf();
        if (lf < 0) {
            inPos = inEnd;
            return ParseEvent.NEED_MORE;
        }
        inPos = lf + 1;
        state = State.COMMAND;
        ParseEvent.Bad bad = pendingBad;
        pendingBad = null;
        return bad;
    }
}
