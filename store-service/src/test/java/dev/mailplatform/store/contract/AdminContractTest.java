package dev.mailplatform.store.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.AccountRow;
import dev.mailplatform.store.v1.AccountSort;
import dev.mailplatform.store.v1.AccountUsage;
import dev.mailplatform.store.v1.Admin;
import dev.mailplatform.store.v1.AdminServiceGrpc;
import dev.mailplatform.store.v1.AuditEntry;
import dev.mailplatform.store.v1.AuthenticateAdminRequest;
import dev.mailplatform.store.v1.AuthenticateAdminResponse;
import dev.mailplatform.store.v1.AuthenticateApiTokenRequest;
import dev.mailplatform.store.v1.BootstrapAdminRequest;
import dev.mailplatform.store.v1.BrowseAccountsRequest;
import dev.mailplatform.store.v1.BrowseAccountsResponse;
import dev.mailplatform.store.v1.CreateAccountRequest;
import dev.mailplatform.store.v1.CreateAdminRequest;
import dev.mailplatform.store.v1.CreateApiTokenRequest;
import dev.mailplatform.store.v1.CreateApiTokenResponse;
import dev.mailplatform.store.v1.CreateDomainRequest;
import dev.mailplatform.store.v1.DeleteDomainRequest;
import dev.mailplatform.store.v1.Domain;
import dev.mailplatform.store.v1.DomainUsage;
import dev.mailplatform.store.v1.GetAccountRequest;
import dev.mailplatform.store.v1.GetAccountUsageRequest;
import dev.mailplatform.store.v1.GetDomainUsageRequest;
import dev.mailplatform.store.v1.GetOverviewRequest;
import dev.mailplatform.store.v1.GetQuotaRequest;
import dev.mailplatform.store.v1.ListAuditRequest;
import dev.mailplatform.store.v1.ListAuditResponse;
import dev.mailplatform.store.v1.Overview;
import dev.mailplatform.store.v1.Quota;
import dev.mailplatform.store.v1.RevokeApiTokenRequest;
import dev.mailplatform.store.v1.SetQuotaRequest;
import dev.mailplatform.store.v1.UpdateAccountRequest;
import dev.mailplatform.store.v1.UpdateDomainRequest;
import dev.mailplatform.testkit.StoreInfraResource;
import io.grpc.Status;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The console's contract: quota defaults, administrators, tokens, the audit log, usage and the account browser. */
@QuarkusTest
class AdminContractTest extends StoreContract {

    /** %test.mail.quota.* in application.properties. */
    static final long PLATFORM_STORAGE = 5368709120L;
    static final long PLATFORM_MESSAGES = 1000000L;

    @GrpcClient("store")
    AdminServiceGrpc.AdminServiceBlockingStub admin;

    private Domain domain(String prefix) {
        return accounts.createDomain(CreateDomainRequest.newBuilder().setName(prefix + System.nanoTime() + ".test")
                .build());
    }

    private Account account(Domain d, String local) {
        return accounts.createAccount(CreateAccountRequest.newBuilder().setAddress(local + "@" + d.getName())
                .setPassword(PASSWORD).build());
    }

    private Quota quota(Account a) {
        return quotas.getQuota(GetQuotaRequest.newBuilder().setAccountId(a.getId()).build());
    }

    @Test
    void theMostSpecificQuotaApplies() {
        Domain d = domain("q");
        assertFalse(d.hasDefaultStorageLimit(), "a new domain sets no default of its own");
        assertEquals(PLATFORM_STORAGE, d.getEffectiveStorageLimit());
        assertEquals(PLATFORM_MESSAGES, d.getEffectiveMessageLimit());
        Account a = account(d, "alice");
        Quota q = quota(a);
        assertEquals(PLATFORM_STORAGE, q.getStorageLimit(), "platform default");
        assertEquals(PLATFORM_MESSAGES, q.getMessageLimit());

        Domain u = accounts.updateDomain(UpdateDomainRequest.newBuilder().setId(d.getId())
                .setDefaultStorageLimit(2000).build());
        assertEquals(2000, u.getEffectiveStorageLimit());
        assertEquals(PLATFORM_MESSAGES, u.getEffectiveMessageLimit(), "only the storage default was set");
        assertEquals(2000, quota(a).getStorageLimit(), "domain default");

        quotas.setQuota(SetQuotaRequest.newBuilder().setAccountId(a.getId()).setStorageLimit(300).build());
        assertEquals(300, quota(a).getStorageLimit(), "account override");
        accounts.updateAccount(UpdateAccountRequest.newBuilder().setId(a.getId()).setClearStorageLimit(true).build());
        assertEquals(2000, quota(a).getStorageLimit(), "back to the domain default");

        accounts.updateDomain(UpdateDomainRequest.newBuilder().setId(d.getId()).setClearDefaultStorageLimit(true)
                .build());
        assertEquals(PLATFORM_STORAGE, quota(a).getStorageLimit(), "back to the platform default");

        // 0 set explicitly still means unlimited, and the append check honours the platform default too.
        accounts.updateDomain(UpdateDomainRequest.newBuilder().setId(d.getId()).setDefaultMessageLimit(0).build());
        assertEquals(0, quota(a).getMessageLimit());
    }

    @Test
    void absurdOrNegativeLimitsAreRefused() {
        Domain d = domain("bad");
        Account a = account(d, "bob");
        // A uint64 past 2^63 arrives as a negative long.
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> quotas.setQuota(SetQuotaRequest.newBuilder()
                .setAccountId(a.getId()).setStorageLimit(-1L).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> accounts.updateDomain(UpdateDomainRequest.newBuilder()
                .setId(d.getId()).setDefaultStorageLimit(1L << 60).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> accounts.createDomain(CreateDomainRequest.newBuilder()
                .setName("neg" + System.nanoTime() + ".test").setDefaultMessageLimit(-5L).build()));
    }

    @Test
    void aDomainWithAccountsGoesOnlyWithCascade() {
        Domain d = domain("casc");
        Account a = account(d, "x");
        append(a, "INBOX", TestMessages.simple("s", "b"));
        assertStatus(Status.Code.FAILED_PRECONDITION, () -> accounts.deleteDomain(DeleteDomainRequest.newBuilder()
                .setId(d.getId()).build()));
        accounts.deleteDomain(DeleteDomainRequest.newBuilder().setId(d.getId()).setCascade(true).build());
        assertStatus(Status.Code.NOT_FOUND, () -> accounts.getAccount(GetAccountRequest.newBuilder()
                .setId(a.getId()).build()));
    }

    @Test
    void administratorsTheirLoginsAndThrottle() throws Exception {
        admin.bootstrapAdmin(BootstrapAdminRequest.newBuilder().setUsername("root" + System.nanoTime())
                .setPassword(PASSWORD).build());
        assertFalse(admin.bootstrapAdmin(BootstrapAdminRequest.newBuilder().setUsername("other" + System.nanoTime())
                .setPassword(PASSWORD).build()).getCreated(), "only while there is no administrator");

        Domain d = domain("adm");
        String name = "da" + System.nanoTime();
        Admin da = admin.createAdmin(CreateAdminRequest.newBuilder().setUsername(name).setPassword(PASSWORD)
                .setRole("domain-admin").addDomainIds(d.getId()).build());
        assertEquals(List.of(d.getId()), da.getDomainIdsList());
        assertStatus(Status.Code.ALREADY_EXISTS, () -> admin.createAdmin(CreateAdminRequest.newBuilder()
                .setUsername(name).setPassword(PASSWORD).setRole("domain-admin").addDomainIds(d.getId()).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> admin.createAdmin(CreateAdminRequest.newBuilder()
                .setUsername("r" + System.nanoTime()).setPassword(PASSWORD).setRole("king").build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> admin.createAdmin(CreateAdminRequest.newBuilder()
                .setUsername("n" + System.nanoTime()).setPassword(PASSWORD).setRole("domain-admin").build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> admin.createAdmin(CreateAdminRequest.newBuilder()
                .setUsername("s" + System.nanoTime()).setPassword("short").setRole("super-admin").build()));

        AuthenticateAdminResponse ok = admin.authenticateAdmin(AuthenticateAdminRequest.newBuilder()
                .setUsername(name.toUpperCase()).setPassword(PASSWORD).setRemoteIp("10.9.0.1").build());
        assertTrue(ok.getOk());
        assertEquals(da.getId(), ok.getAdmin().getId());
        AuthenticateAdminResponse bad = admin.authenticateAdmin(AuthenticateAdminRequest.newBuilder()
                .setUsername(name).setPassword("wrong password").setRemoteIp("10.9.0.2").build());
        assertFalse(bad.getOk());
        assertTrue(bad.getDelayMs() > 0, "a failure earns a delay");
        // The next attempt from the same IP before the delay has passed is refused without a check, even with the
        // right password: the mail logins' throttle.
        AuthenticateAdminResponse early = admin.authenticateAdmin(AuthenticateAdminRequest.newBuilder()
                .setUsername(name).setPassword(PASSWORD).setRemoteIp("10.9.0.2").build());
        assertFalse(early.getOk());
        assertTrue(early.getThrottled());

        try (Connection c = DriverManager.getConnection(StoreInfraResource.jdbcUrl(), StoreInfraResource.dbUser(),
                StoreInfraResource.dbPassword());
                ResultSet rs = c.createStatement().executeQuery(
                        "SELECT password_hash FROM admin WHERE id = " + da.getId())) {
            assertTrue(rs.next());
            assertTrue(rs.getString(1).startsWith("$argon2id$"), rs.getString(1));
        }
    }

    @Test
    void apiTokensAreKeptOnlyAsAHash() throws Exception {
        Admin a = admin.createAdmin(CreateAdminRequest.newBuilder().setUsername("tok" + System.nanoTime())
                .setPassword(PASSWORD).setRole("super-admin").build());
        CreateApiTokenResponse t = admin.createApiToken(CreateApiTokenRequest.newBuilder().setAdminId(a.getId())
                .setName("backup script").build());
        assertTrue(t.getSecret().length() >= 40);
        assertEquals(a.getId(), admin.authenticateApiToken(AuthenticateApiTokenRequest.newBuilder()
                .setSecret(t.getSecret()).build()).getId());
        try (Connection c = DriverManager.getConnection(StoreInfraResource.jdbcUrl(), StoreInfraResource.dbUser(),
                StoreInfraResource.dbPassword());
                ResultSet rs = c.createStatement().executeQuery(
                        "SELECT token_hash FROM admin_token WHERE id = " + t.getToken().getId())) {
            assertTrue(rs.next());
            assertNotEquals(t.getSecret(), rs.getString(1));
            assertFalse(rs.getString(1).contains(t.getSecret().substring(4, 20)));
        }
        assertStatus(Status.Code.NOT_FOUND, () -> admin.authenticateApiToken(AuthenticateApiTokenRequest.newBuilder()
                .setSecret(t.getSecret() + "x").build()));
        admin.revokeApiToken(RevokeApiTokenRequest.newBuilder().setId(t.getToken().getId()).build());
        assertStatus(Status.Code.NOT_FOUND, () -> admin.authenticateApiToken(AuthenticateApiTokenRequest.newBuilder()
                .setSecret(t.getSecret()).build()));
    }

    @Test
    void auditLogNewestFirstPagedAndByDomain() {
        String dom = "audit" + System.nanoTime() + ".test";
        for (int i = 0; i < 5; i++) {
            admin.appendAudit(AuditEntry.newBuilder().setActor("root").setAction("account.create")
                    .setTarget("u" + i + "@" + dom).build());
        }
        admin.appendAudit(AuditEntry.newBuilder().setActor("root").setAction("domain.update").setTarget(dom).build());
        admin.appendAudit(AuditEntry.newBuilder().setActor("root").setAction("x").setTarget("other.test").build());
        ListAuditResponse p1 = admin.listAudit(ListAuditRequest.newBuilder().setPageSize(4).addDomains(dom).build());
        assertEquals(4, p1.getEntriesCount());
        assertEquals("domain.update", p1.getEntries(0).getAction(), "newest first");
        ListAuditResponse p2 = admin.listAudit(ListAuditRequest.newBuilder().setPageSize(4).addDomains(dom)
                .setPageToken(p1.getNextPageToken()).build());
        assertEquals(2, p2.getEntriesCount());
        assertEquals("u0@" + dom, p2.getEntries(1).getTarget());
        assertEquals("", p2.getNextPageToken());
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> admin.appendAudit(AuditEntry.newBuilder().build()));
    }

    @Test
    void browsingPagesSortsAndFilters() throws Exception {
        Domain d = domain("br");
        List<Account> made = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            made.add(account(d, String.format("user%02d", i)));
        }
        // Usage: user05 at half its limit, user07 at 90 %.
        quotas.setQuota(SetQuotaRequest.newBuilder().setAccountId(made.get(5).getId()).setMessageLimit(4).build());
        quotas.setQuota(SetQuotaRequest.newBuilder().setAccountId(made.get(7).getId()).setMessageLimit(2).build());
        append(made.get(5), "INBOX", TestMessages.simple("a", "1"));
        append(made.get(5), "INBOX", TestMessages.simple("b", "2"));
        append(made.get(7), "INBOX", TestMessages.simple("c", "3"));
        append(made.get(7), "Archive", TestMessages.simple("d", "4"));

        List<String> seen = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            BrowseAccountsResponse r = admin.browseAccounts(BrowseAccountsRequest.newBuilder().addDomainIds(d.getId())
                    .setPageSize(7).setPageToken(token).build());
            assertEquals(23, r.getTotal());
            r.getAccountsList().forEach(a -> seen.add(a.getAddress()));
            token = r.getNextPageToken();
            pages++;
        } while (!token.isEmpty());
        assertEquals(4, pages);
        assertEquals(23, seen.size());
        assertEquals(23, new HashSet<>(seen).size(), "no account twice");
        assertEquals(seen.stream().sorted().toList(), seen, "by address");

        BrowseAccountsResponse desc = admin.browseAccounts(BrowseAccountsRequest.newBuilder().addDomainIds(d.getId())
                .setSort(AccountSort.ACCOUNT_SORT_USAGE).setDescending(true).setPageSize(2).build());
        assertEquals("user07@" + d.getName(), desc.getAccounts(0).getAddress());
        assertEquals(1.0, desc.getAccounts(0).getUsage(), 1e-9);
        assertEquals("user05@" + d.getName(), desc.getAccounts(1).getAddress());
        assertEquals(0.5, desc.getAccounts(1).getUsage(), 1e-9);
        BrowseAccountsResponse rest = admin.browseAccounts(BrowseAccountsRequest.newBuilder().addDomainIds(d.getId())
                .setSort(AccountSort.ACCOUNT_SORT_USAGE).setDescending(true).setPageSize(100)
                .setPageToken(desc.getNextPageToken()).build());
        assertEquals(21, rest.getAccountsCount());
        Set<String> all = new HashSet<>();
        desc.getAccountsList().forEach(a -> all.add(a.getAddress()));
        rest.getAccountsList().forEach(a -> all.add(a.getAddress()));
        assertEquals(23, all.size());

        BrowseAccountsResponse hot = admin.browseAccounts(BrowseAccountsRequest.newBuilder().addDomainIds(d.getId())
                .setMinUsage(0.8).build());
        assertEquals(List.of("user07@" + d.getName()), hot.getAccountsList().stream().map(AccountRow::getAddress)
                .toList());
        BrowseAccountsResponse q = admin.browseAccounts(BrowseAccountsRequest.newBuilder().addDomainIds(d.getId())
                .setQuery("ER1").build());
        assertEquals(10, q.getTotal(), "user10..user19");
        AccountRow r0 = q.getAccounts(0);
        assertEquals(PLATFORM_STORAGE, r0.getStorageLimit(), "effective limits in each row");
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> admin.browseAccounts(BrowseAccountsRequest.newBuilder()
                .setPageToken("not a token!").build()));

        Overview o = admin.getOverview(GetOverviewRequest.newBuilder().addDomainIds(d.getId()).setWarn(0.4)
                .setCritical(0.95).build());
        assertEquals(1, o.getDomains());
        assertEquals(23, o.getAccounts());
        assertEquals(4, o.getMessagesUsed());
        assertEquals(2, o.getAboveWarn());
        assertEquals(1, o.getAboveCritical());

        AccountUsage u = admin.getAccountUsage(GetAccountUsageRequest.newBuilder().setAccountId(made.get(7).getId())
                .build());
        assertEquals("INBOX", u.getMailboxes(0).getName());
        assertEquals(2, u.getMailboxes(0).getMessages(), "its message, and the quota warning of its full mailbox");
        assertEquals(1, u.getMailboxesList().stream().filter(m -> m.getName().equals("Archive")).findFirst()
                .orElseThrow().getMessages());
        assertEquals(u.getStorageUsed() + exemptBytes(made.get(7).getId()),
                u.getMailboxesList().stream().mapToLong(m -> m.getSize()).sum(),
                "the mailboxes' sizes are what they hold, the quota's usage leaves the warning out");
        assertEquals(2, u.getMessagesUsed());
        assertEquals(2, u.getMessageLimit());
        DomainUsage du = admin.getDomainUsage(GetDomainUsageRequest.newBuilder().setDomainId(d.getId()).build());
        assertEquals(23, du.getAccounts());
        assertEquals(4, du.getMessagesUsed());
        assertStatus(Status.Code.NOT_FOUND, () -> admin.getDomainUsage(GetDomainUsageRequest.newBuilder()
                .setDomainId(-1).build()));
    }

    /** The bytes of the account's quota-exempt messages (its quota warnings). */
    private static long exemptBytes(long accountId) throws Exception {
        try (Connection c = DriverManager.getConnection(StoreInfraResource.jdbcUrl(), StoreInfraResource.dbUser(),
                StoreInfraResource.dbPassword());
                java.sql.PreparedStatement ps = c.prepareStatement("SELECT COALESCE(SUM(m.size), 0) FROM message m "
                        + "JOIN mailbox mb ON mb.id = m.mailbox_id WHERE mb.account_id = ? AND m.quota_exempt")) {
            ps.setLong(1, accountId);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                long bytes = rs.getLong(1);
                assertTrue(bytes > 0, "a full account has its warning");
                return bytes;
            }
        }
    }
}
