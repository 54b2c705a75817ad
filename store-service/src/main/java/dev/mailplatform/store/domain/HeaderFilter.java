package dev.mailplatform.store.domain;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/** BODY[HEADER.FIELDS (...)] and HEADER.FIELDS.NOT: the matching raw field lines, then the empty line. */
public final class HeaderFilter {

    private HeaderFilter() {
    }

    /** fields are lower-case names. */
    public static byte[] filter(byte[] header, Set<String> fields, boolean not) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int pos = 0;
        int n = header.length;
        while (pos < n) {
            int end = lineEnd(header, pos);
            int contentEnd = end;
            if (contentEnd > pos && header[contentEnd - 1] == '\n') {
                contentEnd--;
                if (contentEnd > pos && header[contentEnd - 1] == '\r') {
                    contentEnd--;
                }
            }
            if (contentEnd == pos) {
                break; // the blank line that ends the header
            }
            // The field spans its continuation lines.
            int fieldEnd = end;
            while (fieldEnd < n && (header[fieldEnd] == ' ' || header[fieldEnd] == '\t')) {
                fieldEnd = lineEnd(header, fieldEnd);
            }
            int colon = -1;
            for (int i = pos; i < contentEnd; i++) {
                if (header[i] == ':') {
                    colon = i;
                    break;
                }
            }
            if (colon > pos) {
                String name = new String(header, pos, colon - pos, StandardCharsets.ISO_8859_1).trim()
                        .toLowerCase(Locale.ROOT);
                if (fields.contains(name) != not) {
                    out.write(header, pos, fieldEnd - pos);
                    if (header[fieldEnd - 1] != '\n') {
                        out.write('\r');
                        out.write('\n');
                    }
                }
            }
            pos = fieldEnd;
        }
        out.write('\r');
        out.write('\n');
        return out.toByteArray();
    }

    private static int lineEnd(byte[] b, int pos) {
        for (int i = pos; i < b.length; i++) {
            if (b[i] == '\n') {
                return i + 1;
            }
        }
        return b.length;
    }
}
