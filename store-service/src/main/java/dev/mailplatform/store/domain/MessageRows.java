package dev.mailplatform.store.domain;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
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

    static MessageFlags state(ResultSet rs) throws SQLException {
        List<String> keywords = new ArrayList<>(0);
        addKeywords(rs.getString("keywords"), keywords::add);
        return new MessageFlags(rs.getLong("uid"), rs.getInt("system_flags"), keywords, rs.getLong("modseq"));
    }

    static void addKeywords(String joined, Consumer<String> add) {
        if (joined != null && !joined.isEmpty()) {
            for (String k : joined.split(" ")) {
                add.accept(k);
            }
        }
    }
}
