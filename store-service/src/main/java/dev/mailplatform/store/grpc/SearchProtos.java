package dev.mailplatform.store.grpc;

import dev.mailplatform.store.domain.SearchKey;
import dev.mailplatform.store.v1.DateTest;
import dev.mailplatform.store.v1.SearchKeyList;
import java.util.ArrayList;
import java.util.List;

/**
 * SEARCH criteria from the wire's recursive SearchKey to the domain's tree. The domain ({@code SearchQuery}) refuses
 * a tree deeper than {@link SearchKey#MAX_DEPTH} or with more than {@link SearchKey#MAX_KEYS} keys; the mapping stops
 * at the first key past those limits (in the order the domain reads them) and leaves a leaf there, so that a huge
 * tree is not copied, and the domain still meets the same key first and refuses with the same error.
 */
final class SearchProtos {

    private SearchProtos() {
    }

    static SearchKey criteria(dev.mailplatform.store.v1.SearchKey key) {
        return new Mapping().map(key, 0);
    }

    private static final class Mapping {
        private int keys;
        private boolean cut;

        SearchKey map(dev.mailplatform.store.v1.SearchKey k, int depth) {
            if (depth > SearchKey.MAX_DEPTH || ++keys > SearchKey.MAX_KEYS) {
                cut = true;
                return new SearchKey.All();
            }
            return switch (k.getKeyCase()) {
                case ALL, KEY_NOT_SET -> new SearchKey.All();
                case AND -> new SearchKey.And(list(k.getAnd(), depth));
                case OR -> new SearchKey.Or(list(k.getOr(), depth));
                case NOT -> new SearchKey.Not(map(k.getNot(), depth + 1));
                case UID -> new SearchKey.Uids(RequestProtos.uids(k.getUid()));
                case FLAGS -> new SearchKey.FlagTest(k.getFlags().getSystem(), k.getFlags().getKeywordsList(),
                        k.getFlags().getAbsent());
                case INTERNAL_DATE -> date(SearchKey.DateField.INTERNAL, k.getInternalDate());
                case SENT_DATE -> date(SearchKey.DateField.SENT, k.getSentDate());
                case SAVE_DATE -> date(SearchKey.DateField.SAVE, k.getSaveDate());
                case SIZE -> new SearchKey.SizeTest(k.getSize().getLarger(), k.getSize().getSize());
                case MODSEQ_AT_LEAST -> new SearchKey.ModseqAtLeast(k.getModseqAtLeast());
                case INTERNAL_AGE -> new SearchKey.Age(k.getInternalAge().getSeconds(), k.getInternalAge().getOlder());
                case HEADER -> new SearchKey.Header(k.getHeader().getField(), k.getHeader().getValue());
                case BODY -> new SearchKey.Body(k.getBody());
                case TEXT -> new SearchKey.Text(k.getText());
            };
        }

        private List<SearchKey> list(SearchKeyList l, int depth) {
            List<SearchKey> out = new ArrayList<>(l.getKeysCount());
            for (dev.mailplatform.store.v1.SearchKey k : l.getKeysList()) {
                if (cut) {
                    break;
                }
                out.add(map(k, depth + 1));
            }
            return out;
        }

        private static SearchKey date(SearchKey.DateField field, DateTest t) {
            SearchKey.DateOp op = switch (t.getOp()) {
                case DATE_BEFORE -> SearchKey.DateOp.BEFORE;
                case DATE_ON -> SearchKey.DateOp.ON;
                case DATE_SINCE -> SearchKey.DateOp.SINCE;
                default -> SearchKey.DateOp.UNKNOWN;
            };
            return new SearchKey.DateTest(field, op, t.getDate());
        }
    }
}
