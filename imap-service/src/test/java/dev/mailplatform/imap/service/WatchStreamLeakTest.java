package dev.mailplatform.imap.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.imap.session.ImapSession;
import dev.mailplatform.imap.session.SessionServices;
import dev.mailplatform.imap.store.AccountWatchers;
import dev.mailplatform.store.v1.Account;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Hardening item 0: the store's Watch streams follow the sessions. After 1,000 sessions that end by LOGOUT, by a
 * dropped connection, and by a drop in the middle of IDLE, the store holds one stream per account that still has a
 * session here, and an append costs the same number of delivered events as before them. Read through the store's
 * own metrics (mail_store_watchers, mail_store_change_delivered_total).
 */
@QuarkusTest
class WatchStreamLeakTest extends ImapTestBase {

    private static final String MESSAGE = crlf("Subject: leak\n\nhello\n");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @ConfigProperty(name = "mail.store.http-port")
    int storeHttpPort;

    @Inject
    SessionServices sessions;

    @Inject
    AccountWatchers watchers;

    @Test
    void streamsReturnToTheLiveSessionsAccountsAndEventsPerAppendStayConstant() throws Exception {
        List<Account> churn = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            churn.add(newAccount());
        }
        Account target = churn.get(0);
        double before;
        try (ImapClient watcher = login(target); ImapClient writer = login(target)) {
            watcher.ok("SELECT INBOX");
            assertEquals(1, awaitStreamsMatchSessions());
            before = deliveredPerAppend(writer);
        }

        for (int i = 0; i < 1000; i++) {
            ImapClient c = login(churn.get(i % churn.size()));
            switch (i % 3) {
                case 0 -> c.ok("LOGOUT");
                case 1 -> c.ok("SELECT INBOX");
                default -> {
                    c.ok("SELECT INBOX");
                    c.write(c.nextTag() + " IDLE\r\n");
                    assertTrue(c.readLine().startsWith("+ "));
                }
            }
            c.close(); // after LOGOUT it was closed already; otherwise the connection drops
        }
        assertEquals(0, awaitStreamsMatchSessions(), "the store's Watch streams once every session ended");

        try (ImapClient watcher = login(target); ImapClient writer = login(target)) {
            watcher.ok("SELECT INBOX");
            assertEquals(1, awaitStreamsMatchSessions(), "the store's Watch streams with one account logged in");
            double after = deliveredPerAppend(writer);
            // One open stream: each append is at most one event (batching may merge some), before and after alike.
            assertTrue(before > 0 && before <= 1.0 && after > 0 && after <= 1.0,
                    "events delivered per append: " + before + " before the churn, " + after + " after");
        }
    }

    /**
     * Issue 21: an account's stream outlives its last session by mail.imap.watch-linger (3 s in tests), so a client
     * that comes back at once costs no new Watch call; after the linger it closes all the same.
     */
    @Test
    void aStreamLingersForAClientThatComesBackThenCloses() throws Exception {
        Account a = newAccount();
        try (ImapClient c = login(a)) {
            c.ok("SELECT INBOX");
            assertEquals(1, awaitStreamsMatchSessions());
            c.ok("LOGOUT");
        }
        double calls = storeMetric("grpc_server_requests_received_messages_total", "method=\"Watch\"");
        try (ImapClient again = login(a)) {
            again.ok("SELECT INBOX");
            assertEquals(1, watchers.openStreams(), "the lingering stream serves the new session");
            again.ok("LOGOUT");
        }
        assertEquals(calls, storeMetric("grpc_server_requests_received_messages_total", "method=\"Watch\""),
                "no new Watch call for the session that came back");
        assertEquals(0, awaitStreamsMatchSessions(), "the store's Watch streams once the linger has passed");
    }

    /** A client that drops while its LOGIN is being checked leaves nothing registered behind it. */
    @Test
    void aConnectionDroppedDuringLoginLeavesNoStream() throws Exception {
        for (int i = 0; i < 10; i++) {
            Account a = newAccount(); // a first login: the store runs Argon2id, so the drop lands mid-LOGIN
            ImapClient c = connect();
            c.write("a LOGIN " + a.getAddress() + " " + PASSWORD + "\r\n");
            c.close();
        }
        Thread.sleep(1000); // the logins finish in the store after their connections are gone
        assertEquals(0, awaitStreamsMatchSessions(), "the store's Watch streams after logins whose client left");
    }

    /**
     * Waits until the store's open Watch streams equal the number of accounts with a logged-in session here (this
     * test's store serves only this front end), and returns that number.
     */
    private long awaitStreamsMatchSessions() throws Exception {
        long deadline = System.currentTimeMillis() + 15_000;
        long streams;
        long accounts;
        do {
            accounts = liveAccounts();
            streams = storeMetric("mail_store_watchers");
            if (streams == accounts) {
                return streams;
            }
            Thread.sleep(50);
        } while (System.currentTimeMillis() < deadline);
        throw new AssertionError("the store holds " + streams + " Watch streams for " + accounts
                + " accounts with live sessions (this front end holds " + watchers.openStreams() + ")");
    }

    private long liveAccounts() {
        Set<Long> ids = sessions.sessions().stream().filter(s -> s.account() != null && !s.closed())
                .map(ImapSession::accountId).collect(Collectors.toSet());
        return ids.size();
    }

    /** Appends 10 messages, then returns the events the store delivered to Watch streams, per append. */
    private double deliveredPerAppend(ImapClient writer) throws Exception {
        long start = storeMetric("mail_store_change_delivered_total");
        for (int i = 0; i < 10; i++) {
            writer.ok("APPEND INBOX {" + MESSAGE.length() + "+}\r\n" + MESSAGE);
        }
        // Events are batched (10 ms) and merged; give the last batch time to arrive.
        Thread.sleep(500);
        return (storeMetric("mail_store_change_delivered_total") - start) / 10.0;
    }

    /** The store meter with this name whose labels contain {@code label}. */
    private double storeMetric(String name, String label) throws Exception {
        String text = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + storeHttpPort
                + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*" + Pattern.quote(label) + "[^}]*\\} ([0-9.eE+-]+)$")
                .matcher(text);
        if (!m.find()) {
            throw new AssertionError("no " + name + "{" + label + "} in the store's metrics");
        }
        return Double.parseDouble(m.group(1));
    }

    private long storeMetric(String name) throws Exception {
        String text = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + storeHttpPort
                + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(text);
        if (!m.find()) {
            throw new AssertionError("no " + name + " in the store's metrics");
        }
        return (long) Double.parseDouble(m.group(1));
    }
}
