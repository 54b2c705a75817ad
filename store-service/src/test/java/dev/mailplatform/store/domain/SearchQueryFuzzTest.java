package dev.mailplatform.store.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mailplatform.store.error.StoreException;
import dev.mailplatform.store.v1.DateTest;
import dev.mailplatform.store.v1.FlagTest;
import dev.mailplatform.store.v1.HeaderTest;
import dev.mailplatform.store.v1.SearchKey;
import dev.mailplatform.store.v1.SearchKeyList;
import dev.mailplatform.store.v1.SizeTest;
import dev.mailplatform.store.v1.UidRange;
import dev.mailplatform.store.v1.UidSet;

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
        SearchKey.Builder b = SearchKey.newBuilder();
        int kind = d.consumeInt(0, depth > 70 ? 13 : 16);
        switch (kind) {
            case 0 -> b.setAll(true);
            case 1 -> b.setUid(UidSet.newBuilder().addRanges(UidRange.newBuilder().setFirst(d.consumeInt())
                    .setLast(d.consumeInt())));
            case 2 -> b.setFlags(FlagTest.newBuilder().setSystem(d.consumeInt()).addKeywords(d.consumeString(20))
                    .setAbsent(d.consumeBoolean()));
            case 3 -> b.setInternalDate(date(d));
            case 4 -> b.setSentDate(date(d));
            case 5 -> b.setSaveDate(date(d));
            case 6 -> b.setSize(SizeTest.newBuilder().setLarger(d.consumeBoolean()).setSize(d.consumeLong()));
            case 7 -> b.setHeader(HeaderTest.newBuilder().setField(d.consumeString(20)).setValue(d.consumeString(40)));
            case 8 -> b.setBody(d.consumeString(40));
            case 9 -> b.setText(d.consumeString(40));
            case 10 -> b.setModseqAtLeast(d.consumeLong());
            case 11, 12 -> {
            } // KEY_NOT_SET
            case 13 -> b.setNot(key(d, depth + 1));
            case 14 -> b.setAnd(list(d, depth));
            default -> b.setOr(list(d, depth));
        }
        return b.build();
    }

    private static SearchKeyList list(FuzzedDataProvider d, int depth) {
        SearchKeyList.Builder l = SearchKeyList.newBuilder();
        int n = d.consumeInt(0, 4);
        for (int i = 0; i < n; i++) {
            l.addKeys(key(d, depth + 1));
        }
        return l.build();
    }

    private static DateTest date(FuzzedDataProvider d) {
        return DateTest.newBuilder().setOpValue(d.consumeInt(0, 3)).setDate(d.consumeString(12)).build();
    }
}
