package dev.mailplatform.imap.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MailboxPatternTest {

    @Test
    void wildcardsMatchAsRfc3501Says() {
        assertTrue(MailboxPattern.of("*").matches("a/b/c"));
        assertTrue(MailboxPattern.of("%").matches("abc"));
        assertFalse(MailboxPattern.of("%").matches("a/b"));
        assertTrue(MailboxPattern.of("a/%").matches("a/b"));
        assertFalse(MailboxPattern.of("a/%").matches("a/b/c"));
        assertTrue(MailboxPattern.of("a/*").matches("a/b/c"));
        assertTrue(MailboxPattern.of("%/%").matches("a/b"));
        assertTrue(MailboxPattern.of("a%*%c").matches("a/x/c"));
        assertTrue(MailboxPattern.of("INBOX").matches("INBOX"));
        assertFalse(MailboxPattern.of("INBOX").matches("INBOXES"));
        assertTrue(MailboxPattern.of("").matches(""));
        assertFalse(MailboxPattern.of("").matches("a"));
        assertTrue(MailboxPattern.of("%").matches(""));
        assertTrue(MailboxPattern.of("a.b+(c)").matches("a.b+(c)"), "no character but * and % is special");
    }

    /** Against the regular expression it replaced, on many small random patterns and names. */
    @Test
    void agreesWithARegularExpressionOnRandomInput() {
        Random random = new Random(42);
        String alphabet = "ab/*%";
        for (int n = 0; n < 20_000; n++) {
            String pattern = random(random, alphabet, random.nextInt(8));
            String name = random(random, "ab/", random.nextInt(10));
            String regex = Pattern.quote(pattern).replace("*", "\\E.*\\Q").replace("%", "\\E[^/]*\\Q");
            assertEquals(Pattern.compile(regex, Pattern.DOTALL).matcher(name).matches(),
                    MailboxPattern.of(pattern).matches(name), "pattern " + pattern + " name " + name);
        }
    }

    /** Long patterns cross the 64-state word boundary of the bit sets. */
    @Test
    void patternsLongerThanAWordMatch() {
        String name = "x".repeat(70) + "/" + "y".repeat(70);
        assertTrue(MailboxPattern.of("x".repeat(70) + "/%").matches(name));
        assertTrue(MailboxPattern.of("%" + "/" + "y".repeat(70)).matches(name));
        assertFalse(MailboxPattern.of("%" + "y".repeat(70)).matches(name));
        assertTrue(MailboxPattern.of("x%x".repeat(30) + "*").matches(name));
    }

    /** The patterns that made the regex backtrack for minutes take linear time here. */
    @Test
    void hostilePatternsTakeLinearTime() {
        String name = "a".repeat(2000);
        String[] hostile = {"%%%%%%%%%%x", "%a".repeat(4000) + "x", "*a".repeat(4000) + "x", "%*%*".repeat(2000) + "x"};
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            for (String p : hostile) {
                for (int i = 0; i < 200; i++) {
                    assertFalse(MailboxPattern.of(p).matches(name));
                }
            }
        });
    }

    private static String random(Random r, String alphabet, int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return b.toString();
    }
}
