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
        assertEquals(AuthResult.AUTH_OK, auth(a.getAddress(), "a new password", "10.1.0.2").getResult());
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> accounts.setPassword(SetPasswordRequest.newBuilder()
                .setId(a.getId()).setPassword("short").build()));

        accounts.setAccountDisabled(SetAccountDisabledRequest.newBuilder().setId(a.getId()).setDisabled(true).build());
        assertEquals(AuthResult.AUTH_ACCOUNT_DISABLED, auth(a.getAddress(), "a new password", "10.1.0.2").getResult());
        accounts.setAccountDisabled(SetAccountDisabledRequest.newBuilder().setId(a.getId()).setDisabled(false).build());
        assertEquals(AuthResult.AUTH_OK, auth(a.getAddress(), "a new password", "10.1.0.2").getResult());

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

    @Test
    void failedLoginsAreCountedPerIpAndUserWithGrowingDelay() {
        Account a = newAccount();
        String ip = "192.0.2." + (System.nanoTime() % 200 + 1);
        AuthenticateResponse r1 = auth(a.getAddress(), "wrong-1", ip);
        AuthenticateResponse r2 = auth(a.getAddress(), "wrong-2", ip);
        AuthenticateResponse r3 = auth(a.getAddress(), "wrong-3", ip);
        assertEquals(AuthResult.AUTH_INVALID_CREDENTIALS, r3.getResult());
        assertEquals(1, r1.getFailuresForUser());
        assertEquals(3, r3.getFailuresForUser());
        assertEquals(3, r3.getFailuresForIp());
        assertTrue(r2.getDelayMs() > r1.getDelayMs() && r3.getDelayMs() > r2.getDelayMs(),
                r1.getDelayMs() + " " + r2.getDelayMs() + " " + r3.getDelayMs());
        // Unknown users count against the IP too, and look the same as a wrong password.
        AuthenticateResponse unknown = auth("nobody@nowhere.example.test", "whatever-pw", ip);
        assertEquals(AuthResult.AUTH_INVALID_CREDENTIALS, unknown.getResult());
        assertEquals(4, unknown.getFailuresForIp());
        assertFalse(unknown.hasAccount());
        // Success resets the user's count, not the IP's.
        assertEquals(AuthResult.AUTH_OK, auth(a.getAddress(), PASSWORD, ip).getResult());
        AuthenticateResponse after = auth(a.getAddress(), "wrong-4", ip);
        assertEquals(1, after.getFailuresForUser());
        assertEquals(5, after.getFailuresForIp());
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
