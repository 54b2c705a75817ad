package dev.mailplatform.store.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mailplatform.store.error.StoreException;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzing of the search-query builder (Jazzer): any criteria tree either becomes one SQL predicate whose
 * placeholders match its parameters, or is refused as INVALID_ARGUMENT. Client text only ever travels as a parameter.
 */
class SearchQueryFuzzTest {

    @FuzzTest(maxDuration = "2h")
    void anyCriteriaTranslateOrAreRefused(FuzzedDataProvider data) {
        SearchKey key = key(data, 0);
        SearchQuery q = new SearchQuery();
        String sql;
        try {
            sql = q.translate(key, 0);
        } catch (StoreException e) {
            assertEquals(StoreException.Kind.INVALID_ARGUMENT, e.kind(), e.getMessage());
            return;
        }
        assertEquals(sql.chars().filter(c -> c == '?').count(), q.params.size(), sql);
        assertTrue(sql.length() < 1_000_000);
    }

    private static SearchKey key(FuzzedDataProvider d, int depth) {
        int kind = d.consumeInt(0, depth > 70 ? 13 : 16);
        return switch (kind) {
            case 0, 11 -> new SearchKey.All(); // 11: an empty key, which means all
            case 1 -> new SearchKey.Uids(new UidSet(List.of(new UidSet.Range(Integer.toUnsignedLong(d.consumeInt()),
                    Integer.toUnsignedLong(d.consumeInt())))));
            case 2 -> new SearchKey.FlagTest(d.consumeInt(), List.of(d.consumeString(20)), d.consumeBoolean());
            case 3 -> date(SearchKey.DateField.INTERNAL, d);
            case 4 -> date(SearchKey.DateField.SENT, d);
            case 5 -> date(SearchKey.DateField.SAVE, d);
            case 6 -> new SearchKey.SizeTest(d.consumeBoolean(), d.consumeLong());
            case 7 -> new SearchKey.Header(d.consumeString(20), d.consumeString(40));
            case 8 -> new SearchKey.Body(d.consumeString(40));
            case 9 -> new SearchKey.Text(d.consumeString(40));
            case 10 -> new SearchKey.ModseqAtLeast(d.consumeLong());
            case 12 -> new SearchKey.Age(d.consumeLong(), d.consumeBoolean());
            case 13 -> new SearchKey.Not(key(d, depth + 1));
            case 14 -> new SearchKey.And(list(d, depth));
            default -> new SearchKey.Or(list(d, depth));
        };
    }

    private static List<SearchKey> list(FuzzedDataProvider d, int depth) {
        List<SearchKey> l = new ArrayList<>();
        int n = d.consumeInt(0, 4);
        for (int i = 0; i < n; i++) {
            l.add(key(d, depth + 1));
        }
        return l;
    }

    /** Operator 3 is one the wire may carry but that means nothing: UNKNOWN, refused. */
    private static SearchKey date(SearchKey.DateField field, FuzzedDataProvider d) {
        SearchKey.DateOp op = SearchKey.DateOp.values()[d.consumeInt(0, 3)];
        return new SearchKey.DateTest(field, op, d.consumeString(12));
    }
}
