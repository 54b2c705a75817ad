package dev.mailplatform.store.domain;

import dev.mailplatform.store.error.StoreException;
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

    static final int MAX_DEPTH = SearchKey.MAX_DEPTH;
    static final int MAX_KEYS = SearchKey.MAX_KEYS;
    /** An interval beyond 2^32-1 seconds (136 years) has no meaning for an internal date. */
    static final long MAX_AGE_SECONDS = 4_294_967_295L;

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
        if (key instanceof SearchKey.All) {
            return "TRUE";
        } else if (key instanceof SearchKey.And k) {
            return join(k.keys(), " AND ", "TRUE", depth);
        } else if (key instanceof SearchKey.Or k) {
            return join(k.keys(), " OR ", "FALSE", depth);
        } else if (key instanceof SearchKey.Not k) {
            return "NOT (" + translate(k.key(), depth + 1) + ")";
        } else if (key instanceof SearchKey.Uids k) {
            return UidSets.predicate("m.uid", k.uids(), params);
        } else if (key instanceof SearchKey.FlagTest k) {
            return flags(k);
        } else if (key instanceof SearchKey.DateTest k) {
            return switch (k.field()) {
                case INTERNAL -> date("m.internal_date", k, false);
                case SENT -> {
                    needsBlob = true;
                    // The day as the sender wrote it; a row older than that column, or a message without a usable
                    // Date (the internal date stands in), by its instant's day in UTC.
                    yield date("COALESCE(b.sent_day, (COALESCE(b.sent_date, m.internal_date) AT TIME ZONE 'UTC')::date)",
                            k, true);
                }
                case SAVE -> date("m.save_date", k, false);
            };
        } else if (key instanceof SearchKey.SizeTest k) {
            params.add(k.size());
            return k.larger() ? "m.size > ?" : "m.size < ?";
        } else if (key instanceof SearchKey.ModseqAtLeast k) {
            params.add(k.modseq());
            return "m.modseq >= ?";
        } else if (key instanceof SearchKey.Age k) {
            if (k.seconds() < 1 || k.seconds() > MAX_AGE_SECONDS) {
                throw StoreException.invalid("search interval must be 1 to " + MAX_AGE_SECONDS + " seconds");
            }
            // The database's clock, so every replica measures from the same now.
            params.add(k.seconds());
            return "m.internal_date " + (k.older() ? "<" : ">=") + " now() - make_interval(secs => ?::float8)";
        } else if (key instanceof SearchKey.Header k) {
            return header(k.field(), k.value());
        } else if (key instanceof SearchKey.Body k) {
            return substring("b.search_body", k.text());
        } else if (key instanceof SearchKey.Text k) {
            return "(" + substring("b.search_header", k.text()) + " OR " + substring("b.search_body", k.text()) + ")";
        }
        throw new IllegalArgumentException("unknown search key " + key);
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

    private String flags(SearchKey.FlagTest t) {
        Flags.validateSystem(t.system());
        String[] kw = Flags.keywords(t.keywords());
        List<String> conds = new ArrayList<>();
        if (t.system() != 0) {
            params.add(t.system());
            if (t.absent()) {
                conds.add("(m.system_flags & ?) = 0");
            } else {
                params.add(t.system());
                conds.add("(m.system_flags & ?) = ?");
            }
        }
        if (kw.length > 0) {
            params.add(kw);
            conds.add(t.absent() ? "NOT (m.keywords && ?::text[])" : "m.keywords @> ?::text[]");
        }
        return conds.isEmpty() ? "TRUE" : String.join(" AND ", conds);
    }

    /** A day test on a timestamp column (days in UTC) or, with {@code isDay}, on a date expression. */
    private String date(String column, SearchKey.DateTest t, boolean isDay) {
        LocalDate d;
        try {
            d = LocalDate.parse(t.date());
        } catch (DateTimeParseException e) {
            throw StoreException.invalid("search date is not yyyy-mm-dd: " + t.date());
        }
        Object start = isDay ? d : d.atStartOfDay().toInstant(ZoneOffset.UTC);
        Object next = isDay ? d.plusDays(1) : d.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        return switch (t.op()) {
            case BEFORE -> {
                params.add(start);
                yield column + " < ?";
            }
            case ON -> {
                params.add(start);
                params.add(next);
                yield "(" + column + " >= ? AND " + column + " < ?)";
            }
            case SINCE -> {
                params.add(start);
                yield column + " >= ?";
            }
            case UNKNOWN -> throw StoreException.invalid("unknown date operator");
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
