package dev.mailplatform.imap.protocol.command;

import dev.mailplatform.imap.protocol.ArgumentReader;
import dev.mailplatform.imap.protocol.BadSyntaxException;
import dev.mailplatform.imap.protocol.SearchKey;
import dev.mailplatform.imap.protocol.SearchKey.Comparison;
import dev.mailplatform.imap.protocol.SearchKey.DateField;
import dev.mailplatform.imap.protocol.SearchKey.Field;
import dev.mailplatform.imap.protocol.SearchReturn;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code [UID] SEARCH [RETURN (options)] [CHARSET name] keys...}. Any charset name is accepted here (upper-cased) so
 * the session can answer {@code NO [BADCHARSET ...]} as RFC 3501 asks; strings are decoded as UTF-8. RETURN holds the
 * result options ({@link SearchReturn}); a sequence set may be {@code $}, the saved result (RFC 5182); OLDER and
 * YOUNGER are RFC 5032's.
 *
 * @param key     always a {@link SearchKey.And} of the top-level keys
 * @param returns null for a plain SEARCH; otherwise the result options
 */
public record SearchCommand(String tag, boolean uid, String charset, SearchKey key, SearchReturn returns)
        implements Command {

    public SearchCommand(String tag, boolean uid, String charset, SearchKey key) {
        this(tag, uid, charset, key, null);
    }

    public static SearchCommand parse(String tag, boolean uid, ArgumentReader r) {
        r.sp();
        String charset = null;
        SearchReturn returns = null;
        List<SearchKey> keys = new ArrayList<>();
        String first = atKeyword(r) ? r.keyword() : null;
        if ("RETURN".equals(first)) {
            r.sp();
            returns = SearchReturn.parse(r);
            r.sp();
            first = atKeyword(r) ? r.keyword() : null;
        }
        if ("CHARSET".equals(first)) {
            r.sp();
            charset = r.astring().toUpperCase(Locale.ROOT);
            r.sp();
            keys.add(key(r));
        } else if (first != null) {
            keys.add(named(first, r));
        } else {
            keys.add(key(r));
        }
        while (r.skip(' ')) {
            keys.add(key(r));
        }
        return new SearchCommand(tag, uid, charset, new SearchKey.And(keys), returns);
    }

    private static boolean atKeyword(ArgumentReader r) {
        return !r.atString() && !r.atSequenceSet() && !r.peekIs('(');
    }

    private static SearchKey key(ArgumentReader r) {
        if (r.peekIs('(')) {
            r.open();
            List<SearchKey> group = new ArrayList<>();
            group.add(key(r));
            while (r.skip(' ')) {
                group.add(key(r));
            }
            r.close();
            return new SearchKey.And(group);
        }
        if (r.atSequenceSet()) {
            return new SearchKey.Sequence(r.sequenceSet());
        }
        return named(r.keyword(), r);
    }

    private static SearchKey named(String name, ArgumentReader r) {
        switch (name) {
            case "ALL":
                return SearchKey.ALL;
            case "ANSWERED":
                return flag("\\Answered", true);
            case "UNANSWERED":
                return flag("\\Answered", false);
            case "DELETED":
                return flag("\\Deleted", true);
            case "UNDELETED":
                return flag("\\Deleted", false);
            case "DRAFT":
                return flag("\\Draft", true);
            case "UNDRAFT":
                return flag("\\Draft", false);
            case "FLAGGED":
                return flag("\\Flagged", true);
            case "UNFLAGGED":
                return flag("\\Flagged", false);
            case "SEEN":
                return flag("\\Seen", true);
            case "UNSEEN":
                return flag("\\Seen", false);
            case "RECENT":
                return flag("\\Recent", true);
            case "OLD":
                return flag("\\Recent", false);
            case "NEW":
                return new SearchKey.And(List.of(flag("\\Recent", true), flag("\\Seen", false)));
            case "KEYWORD":
                r.sp();
                return flag(keywordArgument(r), true);
            case "UNKEYWORD":
                r.sp();
                return flag(keywordArgument(r), false);
            case "BCC":
            case "BODY":
            case "CC":
            case "FROM":
            case "SUBJECT":
            case "TEXT":
            case "TO":
                r.sp();
                return new SearchKey.Text(Field.valueOf(name), r.astring());
            case "HEADER": {
                r.sp();
                String header = r.astring();
                r.sp();
                return new SearchKey.Header(header, r.astring());
            }
            case "BEFORE":
                return date(DateField.INTERNAL, Comparison.BEFORE, r);
            case "ON":
                return date(DateField.INTERNAL, Comparison.ON, r);
            case "SINCE":
                return date(DateField.INTERNAL, Comparison.SINCE, r);
            case "SENTBEFORE":
                return date(DateField.SENT, Comparison.BEFORE, r);
            case "SENTON":
                return date(DateField.SENT, Comparison.ON, r);
            case "SENTSINCE":
                return date(DateField.SENT, Comparison.SINCE, r);
            case "LARGER":
                r.sp();
                return new SearchKey.Size(true, r.number32());
            case "SMALLER":
                r.sp();
                return new SearchKey.Size(false, r.number32());
            case "UID":
                r.sp();
                return new SearchKey.Uids(r.sequenceSet());
            case "NOT": {
                r.sp();
                r.enter();
                SearchKey inner = key(r);
                r.leave();
                return new SearchKey.Not(inner);
            }
            case "OR": {
                r.sp();
                r.enter();
                SearchKey left = key(r);
                r.sp();
                SearchKey right = key(r);
                r.leave();
                return new SearchKey.Or(left, right);
            }
            case "MODSEQ":
                return modseq(r);
            case "OLDER":
                r.sp();
                return new SearchKey.Age(r.nzNumber(), true);
            case "YOUNGER":
                r.sp();
                return new SearchKey.Age(r.nzNumber(), false);
            default:
                throw new BadSyntaxException("unknown search key " + (name.length() > 40 ? name.substring(0, 40) : name));
        }
    }

    private static SearchKey flag(String flag, boolean present) {
        return new SearchKey.Flag(flag, present);
    }

    /** KEYWORD takes a flag-keyword (an atom); a system flag spelled there is matched as that flag. */
    private static String keywordArgument(ArgumentReader r) {
        if (r.skip('\\')) {
            String name = r.atom();
            String canonical = ArgumentReader.canonicalSystemFlag(name);
            if (canonical == null) {
                throw new BadSyntaxException("unknown system flag \\" + name);
            }
            return canonical;
        }
        return r.atom();
    }

    private static SearchKey date(DateField field, Comparison cmp, ArgumentReader r) {
        r.sp();
        return new SearchKey.Date(field, cmp, r.date());
    }

    /** RFC 7162: {@code MODSEQ [entry-name SP entry-type] mod-sequence-valzer}; the entry is parsed and dropped. */
    private static SearchKey modseq(ArgumentReader r) {
        r.sp();
        if (r.atString()) {
            r.string();
            r.sp();
            String type = r.keyword();
            if (!type.equals("PRIV") && !type.equals("SHARED") && !type.equals("ALL")) {
                throw new BadSyntaxException("invalid MODSEQ entry type");
            }
            r.sp();
        }
        return new SearchKey.ModSeq(r.number());
    }

    @Override
    public String name() {
        return uid ? "UID SEARCH" : "SEARCH";
    }
}
