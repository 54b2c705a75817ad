package dev.mailplatform.imap.protocol.command;

import dev.mailplatform.imap.protocol.ArgumentReader;
import dev.mailplatform.imap.protocol.BadSyntaxException;
import dev.mailplatform.imap.protocol.FetchAttribute;
import dev.mailplatform.imap.protocol.SectionSpec;
import dev.mailplatform.imap.protocol.SequenceSet;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code [UID] FETCH set items [(CHANGEDSINCE n)]}. The macros ALL, FAST and FULL (allowed only unparenthesised, as
 * in RFC 3501) are expanded; UID FETCH does not add UID here, the session does.
 *
 * @param changedSince RFC 7162 CHANGEDSINCE (a positive mod-sequence), 0 when absent
 * @param vanished     RFC 7162 §3.2.6 VANISHED: report the UIDs of the set expunged since changedSince
 */
public record FetchCommand(String tag, boolean uid, SequenceSet set, List<FetchAttribute> attributes,
        long changedSince, boolean vanished) implements Command {

    public FetchCommand {
        attributes = List.copyOf(attributes);
    }

    public FetchCommand(String tag, boolean uid, SequenceSet set, List<FetchAttribute> attributes) {
        this(tag, uid, set, attributes, 0, false);
    }

    private static final List<FetchAttribute> FAST =
            List.of(FetchAttribute.FLAGS, FetchAttribute.INTERNAL_DATE, FetchAttribute.RFC822_SIZE);
    private static final List<FetchAttribute> ALL = List.of(FetchAttribute.FLAGS, FetchAttribute.INTERNAL_DATE,
            FetchAttribute.RFC822_SIZE, FetchAttribute.ENVELOPE);
    private static final List<FetchAttribute> FULL = List.of(FetchAttribute.FLAGS, FetchAttribute.INTERNAL_DATE,
            FetchAttribute.RFC822_SIZE, FetchAttribute.ENVELOPE, FetchAttribute.BODY);

    public static FetchCommand parse(String tag, boolean uid, ArgumentReader r) {
        r.sp();
        SequenceSet set = r.sequenceSet();
        r.sp();
        List<FetchAttribute> atts = new ArrayList<>();
        if (r.peekIs('(')) {
            r.open();
            // An empty list is not in RFC 3501's grammar, but clients send it and Dovecot and James accept it.
            if (!r.peekIs(')')) {
                atts.add(attribute(r));
                while (r.skip(' ')) {
                    atts.add(attribute(r));
                }
            }
            r.close();
        } else {
            String name = r.dottedName();
            switch (name) {
                case "ALL" -> atts.addAll(ALL);
                case "FAST" -> atts.addAll(FAST);
                case "FULL" -> atts.addAll(FULL);
                default -> atts.add(attribute(name, r));
            }
        }
        long changedSince = 0;
        boolean vanished = false;
        if (r.skip(' ')) {
            // RFC 7162 fetch modifiers: CHANGEDSINCE, and QRESYNC's VANISHED (UID FETCH with CHANGEDSINCE only).
            r.open();
            do {
                String modifier = r.keyword();
                if (modifier.equals("CHANGEDSINCE") && changedSince == 0) {
                    r.sp();
                    changedSince = r.modSequence();
                } else if (modifier.equals("VANISHED") && !vanished) {
                    vanished = true;
                } else {
                    throw new BadSyntaxException("unsupported FETCH modifier " + shorten(modifier));
                }
            } while (r.skip(' '));
            r.close();
            if (vanished && (!uid || changedSince == 0)) {
                throw new BadSyntaxException("VANISHED requires UID FETCH with CHANGEDSINCE");
            }
        }
        return new FetchCommand(tag, uid, set, atts, changedSince, vanished);
    }

    private static FetchAttribute attribute(ArgumentReader r) {
        return attribute(r.dottedName(), r);
    }

    private static FetchAttribute attribute(String name, ArgumentReader r) {
        switch (name) {
            case "BODY":
                if (r.peekIs('[')) {
                    return section(r, false);
                }
                return FetchAttribute.BODY;
            case "BODY.PEEK":
                if (!r.peekIs('[')) {
                    throw new BadSyntaxException("BODY.PEEK requires a section");
                }
                return section(r, true);
            default:
                return simple(name);
        }
    }

    private static FetchAttribute simple(String name) {
        return switch (name) {
            case "FLAGS" -> FetchAttribute.FLAGS;
            case "INTERNALDATE" -> FetchAttribute.INTERNAL_DATE;
            case "RFC822" -> FetchAttribute.RFC822;
            case "RFC822.HEADER" -> FetchAttribute.RFC822_HEADER;
            case "RFC822.SIZE" -> FetchAttribute.RFC822_SIZE;
            case "RFC822.TEXT" -> FetchAttribute.RFC822_TEXT;
            case "ENVELOPE" -> FetchAttribute.ENVELOPE;
            case "BODY" -> FetchAttribute.BODY;
            case "BODYSTRUCTURE" -> FetchAttribute.BODY_STRUCTURE;
            case "UID" -> FetchAttribute.UID;
            case "MODSEQ" -> FetchAttribute.MODSEQ;
            default -> throw new BadSyntaxException("unknown fetch attribute " + shorten(name));
        };
    }

    private static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    private static FetchAttribute.BodySection section(ArgumentReader r, boolean peek) {
        r.expect('[');
        SectionSpec spec = sectionSpec(r);
        r.expect(']');
        Long start = null;
        Long length = null;
        if (r.skip('<')) {
            start = r.number32();
            r.expect('.');
            length = r.nzNumber();
            r.expect('>');
        }
        return new FetchAttribute.BodySection(spec, peek, start, length);
    }

    private static SectionSpec sectionSpec(ArgumentReader r) {
        List<Integer> part = new ArrayList<>();
        if (r.peekIs(']')) {
            return SectionSpec.WHOLE;
        }
        String rest = r.dottedName();
        // dottedName took "1.2.HEADER.FIELDS" in one go; split the numeric path from the section text.
        String[] pieces = rest.split("\\.", -1);
        int i = 0;
        while (i < pieces.length && !pieces[i].isEmpty() && Character.isDigit(pieces[i].charAt(0))) {
            try {
                long n = Long.parseLong(pieces[i]);
                if (n < 1 || n > Integer.MAX_VALUE) {
                    throw new BadSyntaxException("invalid section part number");
                }
                part.add((int) n);
            } catch (NumberFormatException e) {
                throw new BadSyntaxException("invalid section part number");
            }
            i++;
        }
        String text = String.join(".", java.util.Arrays.asList(pieces).subList(i, pieces.length));
        SectionSpec.Kind kind = switch (text) {
            case "" -> SectionSpec.Kind.FULL;
            case "HEADER" -> SectionSpec.Kind.HEADER;
            case "HEADER.FIELDS" -> SectionSpec.Kind.HEADER_FIELDS;
            case "HEADER.FIELDS.NOT" -> SectionSpec.Kind.HEADER_FIELDS_NOT;
            case "TEXT" -> SectionSpec.Kind.TEXT;
            case "MIME" -> SectionSpec.Kind.MIME;
            default -> throw new BadSyntaxException("invalid section " + shorten(rest));
        };
        if (kind == SectionSpec.Kind.FULL && (part.isEmpty() || rest.endsWith("."))) {
            throw new BadSyntaxException("invalid section " + shorten(rest));
        }
        if (kind == SectionSpec.Kind.MIME && part.isEmpty()) {
            throw new BadSyntaxException("MIME section requires a part number");
        }
        List<String> fields = new ArrayList<>();
        if (kind == SectionSpec.Kind.HEADER_FIELDS || kind == SectionSpec.Kind.HEADER_FIELDS_NOT) {
            r.sp();
            r.open();
            fields.add(fieldName(r.astring()));
            while (r.skip(' ')) {
                fields.add(fieldName(r.astring()));
            }
            r.close();
        }
        return new SectionSpec(part, kind, fields);
    }

    /**
     * A header field name (RFC 5322 ftext: printable ASCII but ':'). It is echoed in the response, so anything else
     * (8-bit, CR LF from a literal) could neither be written nor name a field.
     */
    private static String fieldName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 33 || c > 126 || c == ':') {
                throw new BadSyntaxException("invalid header field name");
            }
        }
        return name;
    }

    @Override
    public String name() {
        return uid ? "UID FETCH" : "FETCH";
    }
}
