package dev.mailplatform.imap.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.CreateAccountRequest;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Quota warnings as an IMAP user meets them (store defaults: warnings at 80 and 95 %, the alert at 95 %): one
 * message in the INBOX per threshold, not counted by GETQUOTAROOT, and an {@code * OK [ALERT]} at each login while
 * above 95 %; falling back below re-arms both.
 */
@QuarkusTest
class ImapQuotaWarningTest extends ImapTestBase {

    private static final String SUBJECT_80 = "Your mailbox is 80% full";
    private static final String SUBJECT_95 = "Your mailbox is 95% full";

    @Test
    void fillingPast80And95PercentWarnsOnceEachAndAlertsAtLogin() throws Exception {
        int n = (int) (System.nanoTime() % 1_000_000);
        Account a = accounts.createAccount(CreateAccountRequest.newBuilder()
                .setAddress("warned" + n + "@quota-warning" + n + ".example.test").setPassword(PASSWORD)
                .setMessageLimit(20).setCreateDomain(true).build());
        try (ImapClient c = login(a)) {
            c.ok("SELECT INBOX");
            for (int i = 1; i <= 15; i++) {
                append(c, "INBOX", message(i));
            }
            assertEquals(List.of(), search(c, SUBJECT_80), "75 %: no warning");
            append(c, "INBOX", message(16));
            assertEquals(List.of("17"), search(c, SUBJECT_80), "80 %: the warning follows the 16th message");
            assertEquals("MESSAGE 16 20", messageQuota(c),
                    "the warning is not counted");
            for (int i = 17; i <= 18; i++) {
                append(c, "INBOX", message(i));
            }
            assertEquals(List.of(), search(c, SUBJECT_95), "90 %: no second warning");
            assertTrue(loginLines(a).stream().noneMatch(l -> l.contains("[ALERT]")), "no alert below 95 %");
            append(c, "INBOX", message(19));
            assertEquals(List.of("21"), search(c, SUBJECT_95), "95 %");
            assertEquals(List.of("17"), search(c, SUBJECT_80), "still exactly one 80 % warning");
            assertEquals("MESSAGE 19 20", messageQuota(c));

            // The next login is told, before its tagged OK, and so is every login while it stays above 95 %.
            for (int i = 0; i < 2; i++) {
                List<String> lines = loginLines(a);
                String alert = lines.size() >= 2 ? lines.get(lines.size() - 2) : "";
                assertTrue(alert.startsWith("* OK [ALERT] Your mailbox is 95% full (")
                        && alert.contains("19 of 20 messages"), lines.toString());
                assertTrue(lines.get(lines.size() - 1).contains(" OK "), lines.toString());
            }

            // Deleting mail brings it below both thresholds: no alert, and crossing 80 % again warns again.
            c.ok("STORE 1:5 +FLAGS.SILENT (\\Deleted)");
            c.ok("EXPUNGE");
            assertEquals("MESSAGE 14 20", messageQuota(c));
            assertTrue(loginLines(a).stream().noneMatch(l -> l.contains("[ALERT]")), "below 95 % again");
            append(c, "INBOX", message(20));
            append(c, "INBOX", message(21));
            List<String> again = search(c, SUBJECT_80);
            assertEquals(2, again.size(), "a second 80 % warning after falling back: " + again);
        }
    }

    private List<String> loginLines(Account a) throws Exception {
        try (ImapClient c = connect()) {
            List<String> lines = c.command("LOGIN " + a.getAddress() + " " + PASSWORD);
            c.command("LOGOUT");
            return lines;
        }
    }

    /** The MESSAGE resource of the INBOX's quota root, as GETQUOTAROOT reports it. */
    private static String messageQuota(ImapClient c) throws Exception {
        List<String> lines = c.command("GETQUOTAROOT INBOX");
        String quota = lines.stream().filter(l -> l.startsWith("* QUOTA ")).findFirst().orElseThrow();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("MESSAGE \\d+ \\d+").matcher(quota);
        assertTrue(m.find(), quota);
        return m.group();
    }

    private static List<String> search(ImapClient c, String subject) throws Exception {
        List<String> lines = c.command("SEARCH SUBJECT \"" + subject + "\"");
        assertTrue(last(lines).contains(" OK "), lines.toString());
        String result = lines.stream().filter(l -> l.startsWith("* SEARCH")).findFirst().orElseThrow();
        String numbers = result.substring("* SEARCH".length()).trim();
        return numbers.isEmpty() ? List.of() : List.of(numbers.split(" "));
    }

    private static String message(int i) {
        return crlf("From: a@example.org\nTo: b@example.org\nSubject: filler " + i + "\n\nbody " + i + "\n");
    }
}
