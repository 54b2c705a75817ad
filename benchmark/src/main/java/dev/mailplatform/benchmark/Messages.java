package dev.mailplatform.benchmark;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

/**
 * Realistic, deterministic test messages: plain text of 2-8 KB, and every third one multipart/mixed with a text
 * part and a base64 attachment of 10-40 KB. The subject says which ("bench plain" / "bench multipart") so a SEARCH
 * finds the multipart ones and FETCH BODY[2] reads their attachment.
 */
public final class Messages {

    private static final String[] WORDS = ("the quick brown fox jumps over lazy dog mail server imap pop3 message "
            + "invoice meeting report quarterly budget team schedule project review draft attached please find "
            + "regards thanks hello tomorrow monday friday update status release notes").split(" ");

    private Messages() {
    }

    public static boolean isMultipart(int index) {
        return index % 3 == 2;
    }

    /** Message number index for the given user, as CRLF-terminated bytes. */
    public static byte[] message(String user, int index, long seed) {
        Random r = new Random(seed * 31 + index * 1_000_003L + user.hashCode());
        boolean multipart = isMultipart(index);
        StringBuilder sb = new StringBuilder(16_384);
        sb.append("Return-Path: <sender").append(r.nextInt(50)).append("@example.org>\r\n");
        sb.append("From: Sender ").append(r.nextInt(50)).append(" <sender").append(r.nextInt(50))
                .append("@example.org>\r\n");
        sb.append("To: <").append(user).append(">\r\n");
        sb.append("Cc: <team").append(r.nextInt(9)).append("@example.org>\r\n");
        sb.append("Subject: bench ").append(multipart ? "multipart" : "plain").append(' ').append(index).append(' ')
                .append(words(r, 5)).append("\r\n");
        sb.append("Date: Mon, 7 Dec 2026 ").append(String.format("%02d:%02d:%02d", r.nextInt(24), r.nextInt(60),
                r.nextInt(60))).append(" +0000\r\n");
        sb.append("Message-ID: <").append(Long.toHexString(r.nextLong())).append('.').append(index)
                .append("@bench.example.org>\r\n");
        sb.append("MIME-Version: 1.0\r\n");
        String text = paragraphs(r, 2_000 + r.nextInt(6_000));
        if (!multipart) {
            sb.append("Content-Type: text/plain; charset=utf-8\r\n\r\n").append(text);
        } else {
            String boundary = "=_bench_" + Long.toHexString(r.nextLong());
            sb.append("Content-Type: multipart/mixed; boundary=\"").append(boundary).append("\"\r\n\r\n");
            sb.append("This is a multi-part message in MIME format.\r\n");
            sb.append("--").append(boundary).append("\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
                    .append(text);
            byte[] attachment = new byte[10_000 + r.nextInt(30_000)];
            r.nextBytes(attachment);
            sb.append("--").append(boundary).append("\r\nContent-Type: application/octet-stream; name=\"report-")
                    .append(index).append(".bin\"\r\nContent-Transfer-Encoding: base64\r\n"
                            + "Content-Disposition: attachment; filename=\"report-").append(index)
                    .append(".bin\"\r\n\r\n");
            String b64 = Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(attachment);
            sb.append(b64).append("\r\n");
            sb.append("--").append(boundary).append("--\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String words(Random r, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : " ").append(WORDS[r.nextInt(WORDS.length)]);
        }
        return sb.toString();
    }

    /** Lines of at most ~72 characters, CRLF-terminated, about the given size; never a line that is only ".". */
    private static String paragraphs(Random r, int size) {
        StringBuilder sb = new StringBuilder(size + 100);
        int line = 0;
        while (sb.length() < size) {
            String w = WORDS[r.nextInt(WORDS.length)];
            if (line + w.length() > 72) {
                sb.append("\r\n");
                line = 0;
                if (r.nextInt(8) == 0) {
                    sb.append("\r\n");
                }
            }
            sb.append(line == 0 ? "" : " ").append(w);
            line += w.length() + 1;
        }
        return sb.append("\r\n").toString();
    }
}
