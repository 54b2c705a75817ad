package dev.mailplatform.store.domain;

import dev.mailplatform.store.error.StoreException;
import dev.mailplatform.store.v1.BodyPart;

/**
 * Maps an IMAP section spec (RFC 3501 6.4.5) to a byte range of the blob, using the MIME index.
 *
 * <p>Exception to "protobuf stops at the grpc package": the body structure is persisted in PostgreSQL
 * (blob.body_structure) as the serialized protobuf {@code BodyPart} that mime/MimeIndexer builds at append time, so
 * walking it here reads that type.
 */
public final class Sections {

    /** [start, end) in the blob; headerFields means the range is a header to filter by field name. */
    public record Range(long start, long end, boolean headerFields) {
    }

    private Sections() {
    }

    public static Range locate(BodyPart root, long size, long headerSize, SectionSpec section) {
        var path = section.part();
        if (path.isEmpty()) {
            return switch (section.kind()) {
                case FULL -> new Range(0, size, false);
                case HEADER -> new Range(0, headerSize, false);
                case TEXT -> new Range(headerSize, size, false);
                case HEADER_FIELDS, HEADER_FIELDS_NOT -> new Range(0, headerSize, true);
                case PART -> new Range(headerSize, size, false);
                case MIME -> throw StoreException.invalid("MIME needs a part number");
                default -> throw StoreException.invalid("unknown section kind");
            };
        }
        // The message itself acts as a message/rfc822 wrapper around its body: part 1 of a single-part message is
        // its body, parts of a multipart are its children.
        BodyPart cur = root;
        boolean first = true;
        for (int i = 0; i < path.size(); i++) {
            int n = path.get(i);
            if (n < 1) {
                throw StoreException.invalid("part numbers start at 1");
            }
            BodyPart container;
            if (first) {
                container = root;
                first = false;
            } else if (isMessage(cur) && cur.hasMessageBody()) {
                container = cur.getMessageBody();
            } else if (cur.getPartsCount() > 0) {
                container = cur;
            } else {
                container = null;
            }
            if (container == null) {
                throw StoreException.notFound("no part " + partName(path));
            }
            if (container.getPartsCount() > 0) {
                if (n > container.getPartsCount()) {
                    throw StoreException.notFound("no part " + partName(path));
                }
                cur = container.getParts(n - 1);
            } else {
                if (n != 1) {
                    throw StoreException.notFound("no part " + partName(path));
                }
                cur = container;
            }
        }
        return switch (section.kind()) {
            case PART, FULL -> new Range(cur.getBodyStart(), cur.getBodyEnd(), false);
            case MIME -> new Range(cur.getHeaderStart(), cur.getBodyStart(), false);
            case HEADER, TEXT, HEADER_FIELDS, HEADER_FIELDS_NOT -> {
                if (!isMessage(cur) || !cur.hasMessageBody()) {
                    throw StoreException.invalid("HEADER and TEXT of a part need a message/rfc822 part");
                }
                BodyPart inner = cur.getMessageBody();
                yield switch (section.kind()) {
                    case HEADER -> new Range(inner.getHeaderStart(), inner.getBodyStart(), false);
                    case TEXT -> new Range(inner.getBodyStart(), cur.getBodyEnd(), false);
                    default -> new Range(inner.getHeaderStart(), inner.getBodyStart(), true);
                };
            }
            default -> throw StoreException.invalid("unknown section kind");
        };
    }

    private static boolean isMessage(BodyPart p) {
        return p.getType().equals("message") && p.getSubtype().equals("rfc822");
    }

    private static String partName(java.util.List<Integer> path) {
        StringBuilder sb = new StringBuilder();
        for (Integer n : path) {
            if (sb.length() > 0) {
                sb.append('.');
            }
            sb.append(n);
        }
        return sb.toString();
    }
}
