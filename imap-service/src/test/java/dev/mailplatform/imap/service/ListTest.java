package dev.mailplatform.imap.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.store.v1.Account;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** LIST: hostile patterns cost linear time off the event loop (hardening item 1), and every option is honoured or refused (item 13). */
@QuarkusTest
class ListTest extends ImapTestBase {

    @Test
    void hostilePatternsOverLongNamesAnswerQuicklyWhileOtherSessionsWork() throws Exception {
        Account a = newAccount();
        Account other = newAccount();
        try (ImapClient c = login(a)) {
            for (int i = 0; i < 200; i++) {
                c.ok("CREATE \"" + "an-archive-folder-with-a-long-name-" + i + "-" + "y".repeat(10) + "\"");
            }
            String[] hostile = {"%%%%%%%%%%x", "*%*%*%*%*%*%*%*%*%*%*%*%x", "%a".repeat(300) + "x",
                "*-*-*-*-*-*-*-*-*-*-*-*-*-*-*x"};
            CompletableFuture<Void> bystander = CompletableFuture.runAsync(() -> {
                try (ImapClient b = login(other)) {
                    for (int i = 0; i < 20; i++) {
                        b.ok("NOOP");
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertTimeoutPreemptively(Duration.ofSeconds(3), () -> {
                for (String p : hostile) {
                    List<String> r = c.command("LIST \"\" \"" + p + "\"");
                    assertEquals(1, r.size(), "no mailbox matches " + p + ": " + r);
                    assertTrue(r.get(0).matches("t\\d+ OK LIST completed"), r.toString());
                }
                bystander.join();
            }, "hostile LIST patterns, and another user's login and NOOPs meanwhile");
            List<String> all = c.command("LIST \"\" \"%%%%%%an-archive-folder*-1%%%%\"");
            // Names numbered 1, 10-19 and 100-199, and the tagged OK.
            assertEquals(111 + 1, all.size(), all.toString());
        }
    }

    @Test
    void selectionAndReturnOptionsAreHonouredOrRefused() throws Exception {
        Account a = newAccount();
        try (ImapClient c = login(a)) {
            c.ok("CREATE Lists");
            c.ok("SUBSCRIBE Lists");
            c.ok("SUBSCRIBE Gone");
            c.ok("UNSUBSCRIBE Trash");
            List<String> subscribed = c.command("LIST (SUBSCRIBED) \"\" \"*\"");
            assertTrue(subscribed.contains("* LIST (\\HasNoChildren \\Subscribed) \"/\" Lists"), subscribed.toString());
            assertTrue(subscribed.contains("* LIST (\\NonExistent \\Subscribed) \"/\" Gone"), subscribed.toString());
            assertFalse(subscribed.stream().anyMatch(l -> l.endsWith(" Trash")), "Trash is not subscribed: "
                    + subscribed);

            List<String> withState = c.command("LIST \"\" \"*\" RETURN (SUBSCRIBED CHILDREN)");
            assertTrue(withState.contains("* LIST (\\HasNoChildren \\Subscribed) \"/\" Lists"), withState.toString());
            assertFalse(withState.stream().anyMatch(l -> l.endsWith(" Gone")), "LIST without SUBSCRIBED selection "
                    + "lists existing mailboxes only: " + withState);

            List<String> special = c.command("LIST (SPECIAL-USE) \"\" \"*\"");
            assertTrue(special.stream().anyMatch(l -> l.contains("\\Trash")), special.toString());
            assertFalse(special.stream().anyMatch(l -> l.endsWith(" Lists") || l.endsWith(" INBOX")),
                    special.toString());

            assertTrue(c.command("LIST (REMOTE) \"\" Lists").contains("* LIST (\\HasNoChildren) \"/\" Lists"));
            assertTrue(last(c.command("LIST (SUBSCRIBED RECURSIVEMATCH) \"\" \"%\"")).contains(" BAD "));
            assertTrue(last(c.command("LIST (SHINY) \"\" \"*\"")).contains(" BAD "));
            assertTrue(last(c.command("LIST \"\" \"*\" RETURN (SHINY)")).contains(" BAD "));
        }
    }
}
