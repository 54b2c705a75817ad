package dev.mailplatform.store.domain;

import dev.mailplatform.store.error.StoreException;
import dev.mailplatform.store.v1.DateTest;
import dev.mailplatform.store.v1.FlagTest;
import dev.mailplatform.store.v1.SearchKey;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Translates a search criteria tree into one SQL predicate over message m (and blob b when a key needs the
 * content index). Substring keys are case-insensitive, as RFC 3501 asks; the trigram indexes on blob serve the
 * LIKE, and a regular expression restricts a header match to the named field.
 */
final class SearchQuery {

    static final int MAX_DEPTH = 64;
    static final int MAX_KEYS = 1000;

    final List<Object> params = new ArrayList<>();
    boolean needsBlob;
    private int keys;

    String translate(SearchKey key, int depth) {
        if (depth > MAX_DEPTH) {
            throw StoreException.invalid("search criteria nested deeper than " + MAX_DEPTH);
        }
        if (++keys > MAX_KEYS) {
            throw StoreException.invalid("more than " + MAX_KEYS + " search keys");
        }
        return switch (key.getKeyCase()) {
            case ALL, KEY_NOT_SET -> "TRUE";
            case AND -> join(key.getAnd().getKeysList(), " AND ", "TRUE", depth);
            case OR -> join(key.getOr().getKeysList(), " OR ", "FALSE", depth);
            case NOT -> "NOT (" + translate(key.getNot(), depth + 1) + ")";
            case UID -> UidSets.predicate("m.uid", key.getUid(), params);
            case FLAGS -> flags(key.getFlags());
            case INTERNAL_DATE -> date("m.internal_date", key.getInternalDate(), false);
            case SENT_DATE -> {
                needsBlob = true;
                // The day as the sender wrote it; a row older than that column, or a message without a usable
                // Date (the internal date stands in), by its instant's day in UTC.
                yield date("COALESCE(b.sent_day, (COALESCE(b.sent_date, m.internal_date) AT TIME ZONE 'UTC')::date)",
                        key.getSentDate(), true);
            }
            case SAVE_DATE -> date("m.save_date", key.getSaveDate(), false);
            case SIZE -> {
                params.add(key.getSize().getSize());
                yield key.getSize().getLarger() ? "m.size > ?" : "m.size < ?";
            }
            case MODSEQ_AT_LEAST -> {
                params.add(key.getModseqAtLeast());
                yield "m.modseq >= ?";
            }
            case HEADER -> header(key.getHeader().getField(), key.getHeader().getValue());
            case BODY -> substring("b.search_body", key.getBody());
            case TEXT -> "(" + substring("b.search_header", key.getText()) + " OR "
                    + substring("b.search_body", key.getText()) + ")";
        };
    }

    private String join(List<SearchKey> list, String op, String empty, int depth) {
        if (list.isEmpty()) {
            return empty;
        }
        List<String> parts = new ArrayList<>();
        for (SearchKey k : list) {
            parts.add("(" + translate(k, depth + 1) + ")");
        }
        return String.join(op, parts);
    }

    private String flags(FlagTest t) {
        Flags.validateSystem(t.getSystem());
        String[] kw = Flags.keywords(t.getKeywordsList());
        List<String> conds = new ArrayList<>();
        if (t.getSystem() != 0) {
            params.add(t.getSystem());
            if (t.getAbsent()) {
                conds.add("(m.system_flags & ?) = 0");
            } else {
                params.add(t.getSystem());
                conds.add("(m.system_flags & ?) = ?");
            }
        }
        if (kw.length > 0) {
            params.add(kw);
            conds.add(t.getAbsent() ? "NOT (m.keywords && ?::text[])" : "m.keywords @> ?::text[]");
        }
        return conds.isEmpty() ? "TRUE" : String.join(" AND ", conds);
    }

    /** A day test on a timestamp column (days in UTC) or, with {@code isDay}, on a date expression. */
    private String date(String column, DateTest t, boolean isDay) {
        LocalDate d;
        try {
            d = LocalDate.parse(t.getDate());
        } catch (DateTimeParseException e) {
            throw StoreException.invalid("search date is not yyyy-mm-dd: " + t.getDate());
        }
        Object start = isDay ? d : d.atStartOfDay().toInstant(ZoneOffset.UTC);
        Object next = isDay ? d.plusDays(1) : d.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        return switch (t.getOp()) {
            case DATE_BEFORE -> {
                params.add(start);
                yield column + " < ?";
            }
            case DATE_ON -> {
                params.add(start);
                params.add(next);
                yield "(" + column + " >= ? AND " + column + " < ?)";
            }
            case DATE_SINCE -> {
                params.add(start);
                yield column + " >= ?";
            }
            default -> throw StoreException.invalid("unknown date operator");
        };
    }

    private String substring(String column, String value) {
        needsBlob = true;
        if (value.isEmpty()) {
            return "TRUE";
        }
        params.add("%" + likeEscape(value.toLowerCase(Locale.ROOT)) + "%");
        return "lower(" + column + ") LIKE ?";
    }

    private String header(String field, String value) {
        needsBlob = true;
        if (field.isEmpty() || field.length() > 200 || !field.chars().allMatch(c -> c > 32 && c < 127 && c != ':')) {
            throw StoreException.invalid("header field name is not valid: " + field);
        }
        String f = regexEscape(field.toLowerCase(Locale.ROOT));
        if (value.isEmpty()) {
            params.add("(^|\\n)" + f + ":");
            return "b.search_header ~* ?";
        }
        // The LIKE lets the trigram index narrow the rows; the regular expression keeps the match in the field.
        params.add("%" + likeEscape(value.toLowerCase(Locale.ROOT)) + "%");
        params.add("(^|\\n)" + f + ":[^\\n]*" + regexEscape(value.toLowerCase(Locale.ROOT)));
        return "(lower(b.search_header) LIKE ? AND lower(b.search_header) ~ ?)";
    }

    /** PostgreSQL regular expressions have no \\Q...\\E: escape every special character. */
    static String regexEscape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ("\\.^$|?*+()[]{}-".indexOf(c) >= 0) {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    private static String likeEscape(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
