package dev.mailplatform.store.domain;

import dev.mailplatform.store.v1.MessageState;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.Consumer;

/** How a message row's flags are read, shared by the reads and the flag updates that return new states. */
final class MessageRows {

    /**
     * Keywords as one space-separated string: they are atoms, so a space cannot occur in them, and parsing a text
     * column is far cheaper than a JDBC array per row (it matters for a 100k-message snapshot).
     */
    static final String KEYWORDS = "array_to_string(keywords, ' ') AS keywords";

    private MessageRows() {
    }

    static MessageState state(ResultSet rs) throws SQLException {
        MessageState.Builder b = MessageState.newBuilder().setUid((int) rs.getLong("uid"))
                .setSystemFlags(rs.getInt("system_flags")).setModseq(rs.getLong("modseq"));
        addKeywords(rs.getString("keywords"), b::addKeywords);
        return b.build();
    }

    static void addKeywords(String joined, Consumer<String> add) {
        if (joined != null && !joined.isEmpty()) {
            for (String k : joined.split(" ")) {
                add.accept(k);
            }
        }
    }
}
