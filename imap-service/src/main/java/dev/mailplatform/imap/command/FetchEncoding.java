package dev.mailplatform.imap.command;

import dev.mailplatform.imap.protocol.ResponseWriter;
import dev.mailplatform.store.v1.Address;
import dev.mailplatform.store.v1.BodyPart;
import dev.mailplatform.store.v1.Envelope;
import dev.mailplatform.store.v1.Parameter;
import java.util.List;
import java.util.Locale;

/** ENVELOPE and BODY/BODYSTRUCTURE (RFC 3501 §7.4.2) from the store's ingest-time index. */
final class FetchEncoding {

    private FetchEncoding() {
    }

    static void envelope(ResponseWriter w, Envelope e) {
        w.open();
        w.nstring(e.hasDate() ? e.getDate() : null).sp();
        w.nstring(e.hasSubject() ? e.getSubject() : null).sp();
        addresses(w, e.getFromList()).sp();
        // RFC 3501: sender and reply-to default to from.
        addresses(w, e.getSenderCount() > 0 ? e.getSenderList() : e.getFromList()).sp();
        addresses(w, e.getReplyToCount() > 0 ? e.getReplyToList() : e.getFromList()).sp();
        addresses(w, e.getToList()).sp();
        addresses(w, e.getCcList()).sp();
        addresses(w, e.getBccList()).sp();
        w.nstring(e.hasInReplyTo() ? e.getInReplyTo() : null).sp();
        w.nstring(e.hasMessageId() ? e.getMessageId() : null);
        w.close();
    }

    private static ResponseWriter addresses(ResponseWriter w, List<Address> list) {
        if (list.isEmpty()) {
            return w.nil();
        }
        w.open();
        for (Address a : list) {
            w.open().nstring(empty(a.getName())).sp().nstring(empty(a.getAdl())).sp()
                    .nstring(empty(a.getMailbox())).sp().nstring(a.getGroupMarker() ? null : a.getHost()).close();
        }
        return w.close();
    }

    private static String empty(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** BODYSTRUCTURE with extension data, or BODY (no extension data). */
    static void body(ResponseWriter w, BodyPart p, boolean extensible) {
        w.open();
        if (p.getType().equalsIgnoreCase("multipart")) {
            if (p.getPartsCount() == 0) {
                // A multipart without parts is malformed; RFC 3501 needs at least one body.
                body(w, BodyPart.newBuilder().setType("text").setSubtype("plain").setEncoding("7bit").build(),
                        extensible);
            }
            for (BodyPart child : p.getPartsList()) {
                body(w, child, extensible);
            }
            w.sp().string(p.getSubtype().toUpperCase(Locale.ROOT));
            if (extensible) {
                w.sp();
                params(w, p.getParamsList()).sp();
                disposition(w, p).sp();
                language(w, p.getLanguageList()).sp();
                w.nstring(p.hasLocation() ? p.getLocation() : null);
            }
            w.close();
            return;
        }
        w.string(p.getType().toUpperCase(Locale.ROOT)).sp().string(p.getSubtype().toUpperCase(Locale.ROOT)).sp();
        params(w, p.getParamsList()).sp();
        w.nstring(p.hasId() ? p.getId() : null).sp();
        w.nstring(p.hasDescription() ? p.getDescription() : null).sp();
        w.string(p.getEncoding().isEmpty() ? "7BIT" : p.getEncoding().toUpperCase(Locale.ROOT)).sp();
        w.number(p.getSize());
        boolean message = p.getType().equalsIgnoreCase("message") && p.getSubtype().equalsIgnoreCase("rfc822")
                && p.hasMessageBody();
        if (message) {
            w.sp();
            envelope(w, p.getMessageEnvelope());
            w.sp();
            body(w, p.getMessageBody(), extensible);
            w.sp().number(p.getLines());
        } else if (p.getType().equalsIgnoreCase("text")) {
            w.sp().number(p.getLines());
        }
        if (extensible) {
            w.sp().nstring(p.hasMd5() ? p.getMd5() : null).sp();
            disposition(w, p).sp();
            language(w, p.getLanguageList()).sp();
            w.nstring(p.hasLocation() ? p.getLocation() : null);
        }
        w.close();
    }

    private static ResponseWriter params(ResponseWriter w, List<Parameter> params) {
        if (params.isEmpty()) {
            return w.nil();
        }
        w.open();
        boolean first = true;
        for (Parameter p : params) {
            if (!first) {
                w.sp();
            }
            first = false;
            w.string(p.getName().toUpperCase(Locale.ROOT)).sp().string(p.getValue());
        }
        return w.close();
    }

    private static ResponseWriter disposition(ResponseWriter w, BodyPart p) {
        if (!p.hasDisposition()) {
            return w.nil();
        }
        w.open().string(p.getDisposition().toUpperCase(Locale.ROOT)).sp();
        params(w, p.getDispositionParamsList());
        return w.close();
    }

    private static ResponseWriter language(ResponseWriter w, List<String> languages) {
        if (languages.isEmpty()) {
            return w.nil();
        }
        if (languages.size() == 1) {
            return w.string(languages.get(0));
        }
        w.open();
        for (int i = 0; i < languages.size(); i++) {
            if (i > 0) {
                w.sp();
            }
            w.string(languages.get(i));
        }
        return w.close();
    }
}
