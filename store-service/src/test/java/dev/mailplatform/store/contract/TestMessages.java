package dev.mailplatform.store.contract;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

/** Realistic test messages with CRLF line ends. */
public final class TestMessages {

    private TestMessages() {
    }

    public static byte[] simple(String subject, String body) {
        return ("From: Alice Example <alice@example.org>\r\n"
                + "To: Bob <bob@example.net>, carol@example.com\r\n"
                + "Subject: " + subject + "\r\n"
                + "Date: Tue, 05 Mar 2024 10:15:00 +0000\r\n"
                + "Message-ID: <" + Math.abs(subject.hashCode()) + "@example.org>\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "\r\n"
                + body + "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The text part, then a base64 attachment of the given size. Part 1 is the text, part 2 the attachment. */
    public static byte[] withAttachment(String subject, String text, int attachmentBytes, long seed) {
        byte[] att = new byte[attachmentBytes];
        new Random(seed).nextBytes(att);
        String b64 = Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(att);
        return ("From: Alice <alice@example.org>\r\n"
                + "To: bob@example.net\r\n"
                + "Subject: " + subject + "\r\n"
                + "Date: Wed, 06 Mar 2024 08:00:00 +0100\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n"
                + "\r\n"
                + "This is a multi-part message.\r\n"
                + "--b1\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n"
                + "\r\n"
                + text + "\r\n"
                + "--b1\r\n"
                + "Content-Type: application/octet-stream; name=\"data.bin\"\r\n"
                + "Content-Disposition: attachment; filename=\"data.bin\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n"
                + "\r\n"
                + b64 + "\r\n"
                + "--b1--\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    public static String textPartOf(String text) {
        return text;
    }

    /** A nested message: multipart/mixed with text, and a message/rfc822 holding a multipart/alternative. */
    public static byte[] nested() {
        return ("From: a@example.org\r\n"
                + "Subject: nested\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=outer\r\n"
                + "\r\n"
                + "--outer\r\n"
                + "Content-Type: text/plain\r\n"
                + "\r\n"
                + "outer text\r\n"
                + "--outer\r\n"
                + "Content-Type: message/rfc822\r\n"
                + "\r\n"
                + "From: inner@example.org\r\n"
                + "Subject: inner subject\r\n"
                + "Content-Type: multipart/alternative; boundary=inner\r\n"
                + "\r\n"
                + "--inner\r\n"
                + "Content-Type: text/plain\r\n"
                + "\r\n"
                + "inner plain\r\n"
                + "--inner\r\n"
                + "Content-Type: text/html\r\n"
                + "\r\n"
                + "<p>inner html</p>\r\n"
                + "--inner--\r\n"
                + "\r\n"
                + "--outer--\r\n").getBytes(StandardCharsets.US_ASCII);
    }
}
