package dev.mailplatform.store.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.AuthResult;
import dev.mailplatform.store.v1.AuthenticateRequest;
import dev.mailplatform.store.v1.AuthenticateResponse;
import dev.mailplatform.store.v1.CreateAccountRequest;
import dev.mailplatform.store.v1.CreateDomainRequest;
import dev.mailplatform.store.v1.DeleteAccountRequest;
import dev.mailplatform.store.v1.DeleteDomainRequest;
import dev.mailplatform.store.v1.Domain;
import dev.mailplatform.store.v1.GetAccountRequest;
import dev.mailplatform.store.v1.GetDomainRequest;
import dev.mailplatform.store.v1.ListAccountsRequest;
import dev.mailplatform.store.v1.ListAccountsResponse;
import dev.mailplatform.store.v1.ListDomainsRequest;
import dev.mailplatform.store.v1.ListDomainsResponse;
import dev.mailplatform.store.v1.ListMailboxesRequest;
import dev.mailplatform.store.v1.MailboxInfo;
import dev.mailplatform.store.v1.SetAccountDisabledRequest;
import dev.mailplatform.store.v1.SetPasswordRequest;
import dev.mailplatform.store.v1.UpdateAccountRequest;
import dev.mailplatform.store.v1.UpdateDomainRequest;
import dev.mailplatform.testkit.StoreInfraResource;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

@QuarkusTest
class AccountContractTest extends StoreContract {

    @Test
    void domainLifecycle() {
        String name = "Life" + System.nanoTime() + ".Example.TEST";
        Domain d = accounts.createDomain(CreateDomainRequest.newBuilder().setName(name).setDefaultStorageLimit(1000)
                .setPop3RetentionDays(7).build());
        assertEquals(name.toLowerCase(), d.getName());
        assertEquals(1000, d.getDefaultStorageLimit());
        assertEquals(7, d.getPop3RetentionDays());
        assertTrue(d.getCreatedAt() > 0);
        assertEquals(d, accounts.getDomain(GetDomainRequest.newBuilder().setName(name).build()));
        assertStatus(Status.Code.ALREADY_EXISTS, () -> accounts.createDomain(
                CreateDomainRequest.newBuilder().setName(name).build()));
        Domain u = accounts.updateDomain(UpdateDomainRequest.newBuilder().setId(d.getId()).setDefaultMessageLimit(5)
                .build());
        assertEquals(5, u.getDefaultMessageLimit());
        assertEquals(1000, u.getDefaultStorageLimit(), "fields not given stay as they were");

        accounts.createAccount(CreateAccountRequest.newBuilder().setAddress("x@" + name).setPassword(PASSWORD).build());
        assertStatus(Status.Code.FAILED_PRECONDITION, () -> accounts.deleteDomain(
                DeleteDomainRequest.newBuilder().setId(d.getId()).build()));
        Account x = accounts.getAccount(GetAccountRequest.newBuilder().setAddress("X@" + name).build());
        accounts.deleteAccount(DeleteAccountRequest.newBuilder().setId(x.getId()).build());
        accounts.deleteDomain(DeleteDomainRequest.newBuilder().setId(d.getId()).build());
        assertStatus(Status.Code.NOT_FOUND, () -> accounts.getDomain(GetDomainRequest.newBuilder().setId(d.getId())
                .build()));
    }

    @Test
    void domainNamesAreValidated() {
        for (String bad : new String[] {"", "no spaces.example", "-bad.example", "a..b", "x".repeat(300)}) {
            assertStatus(Status.Code.INVALID_ARGUMENT, () -> accounts.createDomain(
                    CreateDomainRequest.newBuilder().setName(bad).build()));
        }
    }

    @Test
    void domainsAndAccountsPage() {
        String domain = "page" + System.nanoTime() + ".example.test";
        Domain d = accounts.createDomain(CreateDomainRequest.newBuilder().setName(domain).build());
        for (int i = 0; i < 7; i++) {
            accounts.createAccount(CreateAccountRequest.newBuilder().setAddress("p" + i + "@" + domain)
                    .setPassword(PASSWORD).build());
        }
        Set<String> seen = new HashSet<>();
        String token = "";
        int pages = 0;
        do {
            ListAccountsResponse r = accounts.listAccounts(ListAccountsRequest.newBuilder().setDomainId(d.getId())
                    .setPageSize(3).setPageToken(token).build());
            r.getAccountsList().forEach(a -> assertTrue(seen.add(a.getAddress()), "no account twice"));
            token = r.getNextPageToken();
            pages++;
        } while (!token.isEmpty());
        assertEquals(7, seen.size());
        assertEquals(3, pages);
        ListAccountsResponse q = accounts.listAccounts(ListAccountsRequest.newBuilder().setDomainId(d.getId())
                .setQuery("P3@").build());
        assertEquals(1, q.getAccountsCount());

        Set<String> domains = new HashSet<>();
        token = "";
        do {
            ListDomainsResponse r = accounts.listDomains(ListDomainsRequest.newBuilder().setPageSize(2)
                    .setPageToken(token).build());
            r.getDomainsList().forEach(x -> assertTrue(domains.add(x.getName())));
            token = r.getNextPageToken();
        } while (!token.isEmpty());
        assertTrue(domains.contains(domain));
        assertEquals(7, accounts.getDomain(GetDomainRequest.newBuilder().setId(d.getId()).build()).getAccountCount());
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> accounts.listAccounts(ListAccountsRequest.newBuilder()
                .setPageToken("garbage").build()));
    }

    @Test
    void newAccountGetsDefaultMailboxesWithSpecialUse() {
        Account a = newAccount();
        Map<String, String> got = mailboxes.listMailboxes(ListMailboxesRequest.newBuilder().setAccountId(a.getId())
                .build()).getMailboxesList().stream()
                .collect(Collectors.toMap(MailboxInfo::getName, MailboxInfo::getSpecialUse));
        assertEquals(Map.of("INBOX", "", "Sent", "\\Sent", "Drafts", "\\Drafts", "Trash", "\\Trash", "Junk", "\\Junk",
                "Archive", "\\Archive"), got);
    }

    @Inject
    MeterRegistry registry;

    @Test
    void accountUpdatesPasswordAndDisable() throws Exception {
        Account a = newAccount();
        assertEquals(AuthResult.AUTH_OK, auth(a.getAddress(), PASSWORD, "10.1.0.1").getResult());
        assertEquals(a.getId(), auth(a.getAddress().toUpperCase(), PASSWORD, "10.1.0.1").getAccount().getId(),
                "user names are case-insensitive");

        Account u = accounts.updateAccount(UpdateAccountRequest.newBuilder().setId(a.getId()).setDisplayName("Ann")
                .setStorageLimit(12345).setPop3LoginDelaySeconds(30).build());
        assertEquals("Ann", u.getDisplayName());
        assertEquals(12345, u.getStorageLimit());
        assertEquals(30, u.getPop3LoginDelaySeconds());
        u = accounts.updateAccount(UpdateAccountRequest.newBuilder().setId(a.getId()).setClearStorageLimit(true).build());
        assertFalse(u.hasStorageLimit());

        // The old password passed twice above, so the store remembers it as verified; a new password must still end it.
        accounts.setPassword(SetPasswordRequest.newBuilder().setId(a.getId()).setPassword("a new password").build());
        assertEquals(AuthResult.AUTH_INVALID_CREDENTIALS, auth(a.getAddress(), PASSWORD, "10.1.0.2").getResult());
        // From another IP: this one's failure holds its next check back (the front end answers after the delay).
        assertEquals(AuthResult.AUTH_OK, auth(a.getAddress(), "a new password", "10.1.0.5").getResult());
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> accounts.setPassword(SetPasswordRequest.newBuilder()
                .setId(a.getId()).setPassword("short").build()));

        accounts.setAccountDisabled(SetAccountDisabledRequest.newBuilder().setId(a.getId()).setDisabled(true).build());
        assertEquals(AuthResult.AUTH_ACCOUNT_DISABLED, auth(a.getAddress(), "a new password", "10.1.0.5").getResult());
        accounts.setAccountDisabled(SetAccountDisabledRequest.newBuilder().setId(a.getId()).setDisabled(false).build());
        assertEquals(AuthResult.AUTH_OK, auth(a.getAddress(), "a new password", "10.1.0.5").getResult());

        // Passwords are stored as Argon2id hashes, never in clear.
        try (Connection c = DriverManager.getConnection(StoreInfraResource.jdbcUrl(), StoreInfraResource.dbUser(),
                StoreInfraResource.dbPassword());
                ResultSet rs = c.createStatement().executeQuery(
                        "SELECT password_hash FROM account WHERE id = " + a.getId())) {
            assertTrue(rs.next());
            assertTrue(rs.getString(1).startsWith("$argon2id$v=19$"), rs.getString(1));
            assertFalse(rs.getString(1).contains("a new password"));
        }
    }

    @Test
    void aPasswordThatPassedIsRememberedButAWrongOneAlwaysPaysArgon2() {
        Account a = newAccount();
        double full = checks("argon2id");
        double remembered = checks("remembered");
        assertEquals(AuthResult.AUTH_OK, auth(a.getAddress(), PASSWORD, "10.1.0.3").getResult());
        assertEquals(full + 1, checks("argon2id"), "the first login runs Argon2id");
        assertEquals(AuthResult.AUTH_OK, auth(a.getAddress(), PASSWORD, "10.1.0.3").getResult());
        assertEquals(full + 1, checks("argon2id"), "the second is recognised without it");
        assertEquals(remembered + 1, checks("remembered"));
        assertEquals(AuthResult.AUTH_INVALID_CREDENTIALS, auth(a.getAddress(), PASSWORD + "x", "10.1.0.3").getResult());
        assertEquals(full + 2, checks("argon2id"), "a wrong password always costs a full check");
        assertEquals(remembered + 1, checks("remembered"));
    }

    double checks(String how) {
        return registry.counter("mail.store.password.checks", "how", how).count();
    }

    /**
     * Hardening item 4: a user name's failures from one IP earn a delay that the store enforces before it checks
     * another password for that name from that IP (an earlier attempt is refused unchecked, right password or not);
     * the same name from another IP is untouched; unknown users count against the IP.
     */
    @Test
    void failuresDelayTheNextCheckOfThatUserFromThatIpOnly() throws Exception {
        Account a = newAccount();
        String ip = "192.0.2." + (System.nanoTime() % 200 + 1);
        double full = checks("argon2id");
        AuthenticateResponse r1 = auth(a.getAddress(), "wrong-1", ip);
        assertEquals(AuthResult.AUTH_INVALID_CREDENTIALS, r1.getResult());
        assertFalse(r1.getThrottled());
        assertEquals(1, r1.getFailuresForUser());
        assertEquals(500, r1.getDelayMs());
        assertEquals(full + 1, checks("argon2id"));

        AuthenticateResponse early = auth(a.getAddress(), PASSWORD, ip);
        assertEquals(AuthResult.AUTH_INVALID_CREDENTIALS, early.getResult(), "too early: refused unchecked");
        assertTrue(early.getThrottled());
        assertTrue(early.getDelayMs() > 0 && early.getDelayMs() <= 500, "waits out the rest: " + early.getDelayMs());
        assertEquals(full + 1, checks("argon2id"), "a refused attempt runs no Argon2id");

        AuthenticateResponse elsewhere = auth(a.getAddress(), PASSWORD, "198.51.100.7");
        assertEquals(AuthResult.AUTH_OK, elsewhere.getResult(), "the same user from another IP is not held back");

        Thread.sleep(600);
        AuthenticateResponse r2 = auth(a.getAddress(), "wrong-2", ip);
        assertFalse(r2.getThrottled(), "checked once the delay has passed");
        assertEquals(2, r2.getFailuresForUser());
        assertEquals(1000, r2.getDelayMs(), "the delay doubles");
        assertEquals(2, r2.getFailuresForIp());

        AuthenticateResponse unknown = auth("nobody@nowhere.example.test", "whatever-pw", ip);
        assertEquals(AuthResult.AUTH_INVALID_CREDENTIALS, unknown.getResult());
        assertEquals(3, unknown.getFailuresForIp(), "unknown users count against the IP");
        assertFalse(unknown.hasAccount());

        Thread.sleep(1100);
        assertEquals(AuthResult.AUTH_OK, auth(a.getAddress(), PASSWORD, ip).getResult());
        AuthenticateResponse after = auth(a.getAddress(), "wrong-3", ip);
        assertEquals(1, after.getFailuresForUser(), "a success clears the user's failures from that IP");
        assertEquals(4, after.getFailuresForIp(), "but not the IP's");
    }

    /**
     * Hardening item 4: 200 wrong passwords for one user over 50 parallel connections from one IP cost at most
     * mail.auth.user-ip-refuse-after Argon2id runs, and the real user logs in from another IP at once.
     */
    @Test
    void aParallelBruteForceCostsABoundedNumberOfArgon2RunsAndLocksNobodyOut() throws Exception {
        Account a = newAccount();
        String ip = "203.0.113." + (System.nanoTime() % 200 + 1);
        double full = checks("argon2id");
        int[] outcomes = attack(50, 4, i -> a.getAddress(), ip);
        double runs = checks("argon2id") - full;
        System.out.printf("brute force, one user from one IP: 200 guesses, %.0f Argon2id runs, %d UNAVAILABLE%n", runs,
                outcomes[2]);
        assertEquals(0, outcomes[0], "no guess may succeed");
        assertTrue(runs >= 1 && runs <= config.auth().userIpRefuseAfter(), "Argon2id runs for 200 guesses: " + runs);
        long start = System.nanoTime();
        AuthenticateResponse owner = auth(a.getAddress(), PASSWORD, "198.51.100.9");
        assertEquals(AuthResult.AUTH_OK, owner.getResult());
        assertEquals(0, owner.getDelayMs());
        assertTrue(System.nanoTime() - start < 5_000_000_000L);
    }

    /**
     * Hardening items 3 and 4: guessing a different user name each time from one IP costs at most ip-refuse-after
     * Argon2id runs plus what the check pool holds at once (its threads and queue); beyond the pool, attempts are
     * refused at once with UNAVAILABLE instead of queueing.
     */
    @Test
    void sprayingUserNamesFromOneIpIsBoundedByTheIpThresholdAndThePool() throws Exception {
        String ip = "203.0.113." + (System.nanoTime() % 50 + 201 - 50);
        double full = checks("argon2id");
        double busy = checks("refused-busy");
        int[] outcomes = attack(50, 4, i -> "spray" + i + "@nowhere.example.test", ip);
        double runs = checks("argon2id") - full;
        int threads = config.auth().hashThreads() > 0 ? config.auth().hashThreads()
                : Runtime.getRuntime().availableProcessors();
        long bound = config.auth().ipRefuseAfter() + threads + config.auth().hashQueue();
        System.out.printf("spray, 200 user names from one IP: %.0f Argon2id runs (bound %d), %d UNAVAILABLE%n", runs,
                bound, outcomes[2]);
        assertEquals(0, outcomes[0]);
        assertTrue(runs <= bound, "Argon2id runs for 200 user names from one IP: " + runs + " (bound " + bound + ")");
        assertTrue(outcomes[2] > 0 && checks("refused-busy") - busy == outcomes[2],
                "50 parallel first attempts overflow a pool of " + threads + " threads and a queue of "
                        + config.auth().hashQueue() + ": " + outcomes[2] + " answered UNAVAILABLE");
    }

    @Inject
    dev.mailplatform.store.config.StoreConfig config;

    /** {successes, refusals (wrong or throttled), UNAVAILABLE} of threads x rounds parallel wrong logins. */
    private int[] attack(int threads, int rounds, java.util.function.IntFunction<String> user, String ip)
            throws Exception {
        java.util.concurrent.atomic.AtomicIntegerArray counts = new java.util.concurrent.atomic.AtomicIntegerArray(3);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        for (int t = 0; t < threads; t++) {
            done.add(pool.submit(() -> {
                for (int r = 0; r < rounds; r++) {
                    try {
                        AuthenticateResponse resp = auth(user.apply(n.getAndIncrement()), "guess-" + r, ip);
                        counts.incrementAndGet(resp.getResult() == AuthResult.AUTH_OK ? 0 : 1);
                    } catch (io.grpc.StatusRuntimeException e) {
                        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.toString());
                        counts.incrementAndGet(2);
                    }
                }
                return null;
            }));
        }
        for (java.util.concurrent.Future<?> f : done) {
            f.get(120, java.util.concurrent.TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertEquals(threads * rounds, counts.get(0) + counts.get(1) + counts.get(2));
        return new int[] {counts.get(0), counts.get(1), counts.get(2)};
    }

    @Test
    void accountInputIsValidated() {
        Account a = newAccount();
        String domain = a.getAddress().substring(a.getAddress().indexOf('@') + 1);
        assertStatus(Status.Code.ALREADY_EXISTS, () -> accounts.createAccount(CreateAccountRequest.newBuilder()
                .setAddress(a.getAddress()).setPassword(PASSWORD).build()));
        assertStatus(Status.Code.NOT_FOUND, () -> accounts.createAccount(CreateAccountRequest.newBuilder()
                .setAddress("x@unknown-" + System.nanoTime() + ".example.test").setPassword(PASSWORD).build()));
        for (String bad : new String[] {"", "no-at-sign", "@" + domain, "a b@" + domain, "x@", "x@bad domain"}) {
            assertStatus(Status.Code.INVALID_ARGUMENT, () -> accounts.createAccount(CreateAccountRequest.newBuilder()
                    .setAddress(bad).setPassword(PASSWORD).setCreateDomain(true).build()));
        }
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> accounts.createAccount(CreateAccountRequest.newBuilder()
                .setAddress("ok@" + domain).setPassword("short").build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> accounts.createAccount(CreateAccountRequest.newBuilder()
                .setAddress("ok@" + domain).setPassword("has\0nul-inside").build()));
        assertStatus(Status.Code.NOT_FOUND, () -> accounts.getAccount(GetAccountRequest.newBuilder().setId(-5).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> accounts.getAccount(GetAccountRequest.getDefaultInstance()));
        assertStatus(Status.Code.NOT_FOUND, () -> accounts.setPassword(SetPasswordRequest.newBuilder().setId(-5)
                .setPassword(PASSWORD).build()));
    }

    private AuthenticateResponse auth(String user, String password, String ip) {
        return accounts.authenticate(AuthenticateRequest.newBuilder().setUsername(user).setPassword(password)
                .setRemoteIp(ip).setProtocol("imap").build());
    }
}
