package dev.mailplatform.store.grpc;

import dev.mailplatform.store.domain.AccountBrowser;
import dev.mailplatform.store.domain.Admins;
import dev.mailplatform.store.domain.AuditLog;
import dev.mailplatform.store.error.StoreException;
import dev.mailplatform.store.v1.AccountRow;
import dev.mailplatform.store.v1.AccountSort;
import dev.mailplatform.store.v1.AccountUsage;
import dev.mailplatform.store.v1.Admin;
import dev.mailplatform.store.v1.AdminService;
import dev.mailplatform.store.v1.ApiToken;
import dev.mailplatform.store.v1.AuditEntry;
import dev.mailplatform.store.v1.AuthenticateAdminRequest;
import dev.mailplatform.store.v1.AuthenticateAdminResponse;
import dev.mailplatform.store.v1.AuthenticateApiTokenRequest;
import dev.mailplatform.store.v1.BootstrapAdminRequest;
import dev.mailplatform.store.v1.BootstrapAdminResponse;
import dev.mailplatform.store.v1.BrowseAccountsRequest;
import dev.mailplatform.store.v1.BrowseAccountsResponse;
import dev.mailplatform.store.v1.CreateAdminRequest;
import dev.mailplatform.store.v1.CreateApiTokenRequest;
import dev.mailplatform.store.v1.CreateApiTokenResponse;
import dev.mailplatform.store.v1.DeleteAdminRequest;
import dev.mailplatform.store.v1.DeleteAdminResponse;
import dev.mailplatform.store.v1.DomainUsage;
import dev.mailplatform.store.v1.GetAccountUsageRequest;
import dev.mailplatform.store.v1.GetDomainUsageRequest;
import dev.mailplatform.store.v1.GetOverviewRequest;
import dev.mailplatform.store.v1.ListAdminsRequest;
import dev.mailplatform.store.v1.ListAdminsResponse;
import dev.mailplatform.store.v1.ListApiTokensRequest;
import dev.mailplatform.store.v1.ListApiTokensResponse;
import dev.mailplatform.store.v1.ListAuditRequest;
import dev.mailplatform.store.v1.ListAuditResponse;
import dev.mailplatform.store.v1.MailboxUsage;
import dev.mailplatform.store.v1.Overview;
import dev.mailplatform.store.v1.RevokeApiTokenRequest;
import dev.mailplatform.store.v1.RevokeApiTokenResponse;
import dev.mailplatform.store.v1.SetAdminPasswordRequest;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;
import java.time.Instant;

/** The console's calls: protobuf in and out here only, the work in the domain classes. */
@GrpcService
public class AdminGrpc implements AdminService {

    private final Admins admins;
    private final AuditLog audit;
    private final AccountBrowser browser;

    public AdminGrpc(Admins admins, AuditLog audit, AccountBrowser browser) {
        this.admins = admins;
        this.audit = audit;
        this.browser = browser;
    }

    @Override
    public Uni<BootstrapAdminResponse> bootstrapAdmin(BootstrapAdminRequest r) {
        return Offload.call(() -> BootstrapAdminResponse.newBuilder()
                .setCreated(admins.bootstrap(r.getUsername(), r.getPassword())).build());
    }

    @Override
    public Uni<Admin> createAdmin(CreateAdminRequest r) {
        return Offload.call(() -> admin(admins.create(r.getUsername(), r.getPassword(), r.getRole(),
                r.getDomainIdsList())));
    }

    @Override
    public Uni<ListAdminsResponse> listAdmins(ListAdminsRequest r) {
        return Offload.call(() -> ListAdminsResponse.newBuilder()
                .addAllAdmins(admins.list().stream().map(AdminGrpc::admin).toList()).build());
    }

    @Override
    public Uni<DeleteAdminResponse> deleteAdmin(DeleteAdminRequest r) {
        return Offload.call(() -> {
            admins.delete(r.getId());
            return DeleteAdminResponse.getDefaultInstance();
        });
    }

    @Override
    public Uni<Admin> setAdminPassword(SetAdminPasswordRequest r) {
        return Offload.call(() -> admin(admins.setPassword(r.getId(), r.getPassword())));
    }

    @Override
    public Uni<AuthenticateAdminResponse> authenticateAdmin(AuthenticateAdminRequest r) {
        return Offload.call(() -> {
            Admins.AdminLogin l = admins.authenticate(r.getUsername(), r.getPassword(), r.getRemoteIp());
            AuthenticateAdminResponse.Builder b = AuthenticateAdminResponse.newBuilder().setOk(l.admin() != null)
                    .setDelayMs(l.delayMs()).setThrottled(l.throttled());
            if (l.admin() != null) {
                b.setAdmin(admin(l.admin()));
            }
            return b.build();
        });
    }

    @Override
    public Uni<CreateApiTokenResponse> createApiToken(CreateApiTokenRequest r) {
        return Offload.call(() -> {
            Object[] t = admins.createToken(r.getAdminId(), r.getName());
            return CreateApiTokenResponse.newBuilder().setToken(token((Admins.Token) t[0])).setSecret((String) t[1])
                    .build();
        });
    }

    @Override
    public Uni<Admin> authenticateApiToken(AuthenticateApiTokenRequest r) {
        return Offload.call(() -> admin(admins.authenticateToken(r.getSecret())));
    }

    @Override
    public Uni<ListApiTokensResponse> listApiTokens(ListApiTokensRequest r) {
        return Offload.call(() -> ListApiTokensResponse.newBuilder()
                .addAllTokens(admins.tokens(0, r.getAdminId()).stream().map(AdminGrpc::token).toList()).build());
    }

    @Override
    public Uni<RevokeApiTokenResponse> revokeApiToken(RevokeApiTokenRequest r) {
        return Offload.call(() -> {
            admins.revokeToken(r.getId());
            return RevokeApiTokenResponse.getDefaultInstance();
        });
    }

    @Override
    public Uni<AuditEntry> appendAudit(AuditEntry r) {
        return Offload.call(() -> entry(audit.append(r.getActor(), r.getAction(), r.getTarget(), r.getDetail())));
    }

    @Override
    public Uni<ListAuditResponse> listAudit(ListAuditRequest r) {
        return Offload.call(() -> {
            var page = audit.list(r.getPageSize(), r.getPageToken(), r.getDomainsList());
            return ListAuditResponse.newBuilder().addAllEntries(page.items().stream().map(AdminGrpc::entry).toList())
                    .setNextPageToken(page.nextToken()).build();
        });
    }

    @Override
    public Uni<AccountUsage> getAccountUsage(GetAccountUsageRequest r) {
        return Offload.call(() -> {
            AccountBrowser.Usage u = browser.usage(r.getAccountId());
            return AccountUsage.newBuilder().setAccountId(u.accountId()).setAddress(u.address())
                    .setStorageUsed(u.storageUsed()).setMessagesUsed(u.messagesUsed())
                    .setStorageLimit(u.storageLimit()).setMessageLimit(u.messageLimit())
                    .addAllMailboxes(u.mailboxes().stream().map(m -> MailboxUsage.newBuilder().setName(m.name())
                            .setMessages(m.messages()).setSize(m.size()).build()).toList())
                    .build();
        });
    }

    @Override
    public Uni<DomainUsage> getDomainUsage(GetDomainUsageRequest r) {
        return Offload.call(() -> {
            long[] u = browser.domainUsage(r.getDomainId());
            return DomainUsage.newBuilder().setDomainId(r.getDomainId()).setAccounts((int) u[0])
                    .setStorageUsed(u[1]).setMessagesUsed(u[2]).build();
        });
    }

    @Override
    public Uni<BrowseAccountsResponse> browseAccounts(BrowseAccountsRequest r) {
        return Offload.call(() -> {
            if (r.getSort() == AccountSort.UNRECOGNIZED) {
                throw StoreException.invalid("unknown sort");
            }
            AccountBrowser.Result res = browser.browse(new AccountBrowser.Browse(r.getDomainIdsList(), r.getQuery(),
                    r.getSort() == AccountSort.ACCOUNT_SORT_USAGE, r.getDescending(), r.getPageSize(),
                    r.getPageToken(), r.getMinUsage()));
            return BrowseAccountsResponse.newBuilder().addAllAccounts(res.rows().stream().map(a -> AccountRow
                    .newBuilder().setId(a.id()).setAddress(a.address()).setDomainId(a.domainId())
                    .setDisplayName(a.displayName()).setDisabled(a.disabled()).setStorageUsed(a.storageUsed())
                    .setMessagesUsed(a.messagesUsed()).setStorageLimit(a.storageLimit())
                    .setMessageLimit(a.messageLimit()).setUsage(a.usage()).build()).toList())
                    .setNextPageToken(res.nextToken()).setTotal(res.total()).build();
        });
    }

    @Override
    public Uni<Overview> getOverview(GetOverviewRequest r) {
        return Offload.call(() -> {
            AccountBrowser.Totals t = browser.overview(r.getDomainIdsList(), r.getWarn(), r.getCritical());
            return Overview.newBuilder().setDomains(t.domains()).setAccounts(t.accounts())
                    .setStorageUsed(t.storageUsed()).setMessagesUsed(t.messagesUsed()).setAboveWarn(t.aboveWarn())
                    .setAboveCritical(t.aboveCritical()).build();
        });
    }

    private static Admin admin(Admins.Admin a) {
        return Admin.newBuilder().setId(a.id()).setUsername(a.username()).setRole(a.role())
                .addAllDomainIds(a.domainIds()).setCreatedAt(millis(a.createdAt())).build();
    }

    private static ApiToken token(Admins.Token t) {
        return ApiToken.newBuilder().setId(t.id()).setAdminId(t.adminId()).setName(t.name())
                .setCreatedAt(millis(t.createdAt())).setLastUsed(millis(t.lastUsed())).build();
    }

    private static AuditEntry entry(AuditLog.Entry e) {
        return AuditEntry.newBuilder().setId(e.id()).setAt(millis(e.at())).setActor(e.actor())
                .setAction(e.action()).setTarget(e.target()).setDetail(e.detail()).build();
    }

    private static long millis(Instant i) {
        return i == null ? 0 : i.toEpochMilli();
    }
}
