package dev.mailplatform.admin;

import dev.mailplatform.admin.config.ConsoleConfig;
import dev.mailplatform.admin.model.Invalid;
import dev.mailplatform.admin.model.Limits;
import dev.mailplatform.admin.model.Patch;
import dev.mailplatform.admin.model.Views.AccountPage;
import dev.mailplatform.admin.model.Views.AccountRow;
import dev.mailplatform.admin.model.Views.AccountView;
import dev.mailplatform.admin.model.Views.AdminView;
import dev.mailplatform.admin.model.Views.AuditView;
import dev.mailplatform.admin.model.Views.DomainUsageView;
import dev.mailplatform.admin.model.Views.DomainView;
import dev.mailplatform.admin.model.Views.MailboxView;
import dev.mailplatform.admin.model.Views.OverviewView;
import dev.mailplatform.admin.model.Views.TokenView;
import dev.mailplatform.admin.model.Views.UsageView;
import dev.mailplatform.admin.model.Sizes;
import dev.mailplatform.admin.security.Denied;
import dev.mailplatform.admin.security.Principal;
import dev.mailplatform.admin.store.Store;
import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.AccountSort;
import dev.mailplatform.store.v1.AccountUsage;
import dev.mailplatform.store.v1.Admin;
import dev.mailplatform.store.v1.AuditEntry;
import dev.mailplatform.store.v1.AuthenticateAdminRequest;
import dev.mailplatform.store.v1.AuthenticateAdminResponse;
import dev.mailplatform.store.v1.BrowseAccountsRequest;
import dev.mailplatform.store.v1.BrowseAccountsResponse;
import dev.mailplatform.store.v1.CreateAccountRequest;
import dev.mailplatform.store.v1.CreateAdminRequest;
import dev.mailplatform.store.v1.CreateApiTokenRequest;
import dev.mailplatform.store.v1.CreateApiTokenResponse;
import dev.mailplatform.store.v1.CreateDomainRequest;
import dev.mailplatform.store.v1.DeleteAccountRequest;
import dev.mailplatform.store.v1.DeleteDomainRequest;
import dev.mailplatform.store.v1.Domain;
import dev.mailplatform.store.v1.DomainUsage;
import dev.mailplatform.store.v1.GetAccountRequest;
import dev.mailplatform.store.v1.GetAccountUsageRequest;
import dev.mailplatform.store.v1.GetDomainRequest;
import dev.mailplatform.store.v1.GetDomainUsageRequest;
import dev.mailplatform.store.v1.GetOverviewRequest;
import dev.mailplatform.store.v1.GetQuotaRequest;
import dev.mailplatform.store.v1.GetRetentionPolicyRequest;
import dev.mailplatform.store.v1.ListAdminsRequest;
import dev.mailplatform.store.v1.ListApiTokensRequest;
import dev.mailplatform.store.v1.ListAuditRequest;
import dev.mailplatform.store.v1.ListAuditResponse;
import dev.mailplatform.store.v1.ListDomainsRequest;
import dev.mailplatform.store.v1.ListDomainsResponse;
import dev.mailplatform.store.v1.Overview;
import dev.mailplatform.store.v1.Quota;
import dev.mailplatform.store.v1.RetentionPolicy;
import dev.mailplatform.store.v1.RevokeApiTokenRequest;
import dev.mailplatform.store.v1.SetAccountDisabledRequest;
import dev.mailplatform.store.v1.SetPasswordRequest;
import dev.mailplatform.store.v1.SetRetentionPolicyRequest;
import dev.mailplatform.store.v1.UpdateAccountRequest;
import dev.mailplatform.store.v1.UpdateDomainRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Every console and API operation, in one place: the role check (a domain-admin acts only within its domains), the
 * input check, the store calls, and the audit record. The REST resources and the pages are thin shells around it,
 * so the boundary cannot differ between them.
 */
@ApplicationScoped
public class Administration {

    private final Store store;
    private final ConsoleConfig config;

    public Administration(Store store, ConsoleConfig config) {
        this.store = store;
        this.config = config;
    }

    // ---------------------------------------------------------------- login

    public AuthenticateAdminResponse login(String username, String password, String remoteIp) {
        return store.admin(s -> s.authenticateAdmin(AuthenticateAdminRequest.newBuilder()
                .setUsername(username == null ? "" : username).setPassword(password == null ? "" : password)
                .setRemoteIp(remoteIp == null ? "" : remoteIp).build()));
    }

    // ---------------------------------------------------------------- domains

    public List<DomainView> domains(Principal p) {
        List<DomainView> out = new ArrayList<>();
        for (Domain d : allDomains()) {
            if (p.canSee(d.getId())) {
                out.add(view(d));
            }
        }
        return out;
    }

    public DomainView domain(Principal p, String name) {
        return view(visibleDomain(p, name));
    }

    public DomainView createDomain(Principal p, String name, Long storage, Long messages, Integer retention) {
        requireSuper(p, "create domains");
        Invalid.Collector errors = new Invalid.Collector();
        if (name == null || name.isBlank()) {
            errors.add("name", "give the domain name, e.g. example.org");
        }
        Limits.storage(errors, "defaultStorageLimit", storage);
        Limits.messages(errors, "defaultMessageLimit", messages);
        Limits.retention(errors, "retentionDays", retention);
        errors.throwIfAny();
        CreateDomainRequest.Builder b = CreateDomainRequest.newBuilder().setName(name.trim());
        if (storage != null) {
            b.setDefaultStorageLimit(storage);
        }
        if (messages != null) {
            b.setDefaultMessageLimit(messages);
        }
        if (retention != null) {
            b.setPop3RetentionDays(retention);
        }
        Domain d = field("name", () -> store.accounts(s -> s.createDomain(b.build())));
        audit(p, "domain.create", d.getName(), limits(storage, messages) + retention(retention));
        return view(d);
    }

    public DomainView updateDomain(Principal p, String name, Patch<Long> storage, Patch<Long> messages,
            Patch<Integer> retention) {
        Domain d = visibleDomain(p, name);
        Invalid.Collector errors = new Invalid.Collector();
        Limits.storage(errors, "defaultStorageLimit", storage.value());
        Limits.messages(errors, "defaultMessageLimit", messages.value());
        Limits.retention(errors, "retentionDays", retention.value());
        if (retention.clears()) {
            errors.add("retentionDays", "a domain's retention cannot be inherited: give days, or -1 to keep for ever");
        }
        errors.throwIfAny();
        UpdateDomainRequest.Builder b = UpdateDomainRequest.newBuilder().setId(d.getId())
                .setClearDefaultStorageLimit(storage.clears()).setClearDefaultMessageLimit(messages.clears());
        if (storage.sets()) {
            b.setDefaultStorageLimit(storage.value());
        }
        if (messages.sets()) {
            b.setDefaultMessageLimit(messages.value());
        }
        if (retention.sets()) {
            b.setPop3RetentionDays(retention.value());
        }
        Domain u = store.accounts(s -> s.updateDomain(b.build()));
        audit(p, "domain.update", u.getName(), change("defaultStorageLimit", storage) + change("defaultMessageLimit",
                messages) + change("retentionDays", retention));
        return view(u);
    }

    public void deleteDomain(Principal p, String name, boolean cascade) {
        requireSuper(p, "delete domains");
        Domain d = visibleDomain(p, name);
        try {
            store.accounts(s -> s.deleteDomain(DeleteDomainRequest.newBuilder().setId(d.getId()).setCascade(cascade)
                    .build()));
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.FAILED_PRECONDITION) {
                throw new Conflict("domain " + d.getName() + " still has " + d.getAccountCount()
                        + " account(s); delete them first or ask for cascade=true");
            }
            throw e;
        }
        audit(p, "domain.delete", d.getName(), cascade ? "cascade, " + d.getAccountCount() + " account(s)" : "");
    }

    public DomainUsageView domainUsage(Principal p, String name) {
        Domain d = visibleDomain(p, name);
        DomainUsage u = store.admin(s -> s.getDomainUsage(GetDomainUsageRequest.newBuilder().setDomainId(d.getId())
                .build()));
        return new DomainUsageView(d.getName(), u.getAccounts(), u.getStorageUsed(), u.getMessagesUsed());
    }

    // ---------------------------------------------------------------- accounts

    public AccountPage accounts(Principal p, String domain, String query, String sort, String order, int limit,
            String cursor, double minUsage) {
        Invalid.Collector errors = new Invalid.Collector();
        if (sort != null && !sort.isEmpty() && !sort.equals("address") && !sort.equals("usage")) {
            errors.add("sort", "sort by address or usage");
        }
        if (order != null && !order.isEmpty() && !order.equals("asc") && !order.equals("desc")) {
            errors.add("order", "order is asc or desc");
        }
        if (limit < 0 || limit > 1000) {
            errors.add("limit", "a page has 1..1000 accounts");
        }
        if (query != null && query.length() > 320) {
            errors.add("q", "the filter is at most 320 characters");
        }
        errors.throwIfAny();
        BrowseAccountsRequest.Builder b = BrowseAccountsRequest.newBuilder()
                .setQuery(query == null ? "" : query)
                .setSort("usage".equals(sort) ? AccountSort.ACCOUNT_SORT_USAGE : AccountSort.ACCOUNT_SORT_ADDRESS)
                .setDescending("desc".equals(order)).setPageSize(limit).setPageToken(cursor == null ? "" : cursor)
                .setMinUsage(minUsage);
        if (domain != null && !domain.isBlank()) {
            b.addDomainIds(visibleDomain(p, domain).getId());
        } else if (!p.superAdmin()) {
            b.addAllDomainIds(p.domainIds());
        }
        BrowseAccountsResponse r = field("cursor", () -> store.admin(s -> s.browseAccounts(b.build())));
        return new AccountPage(r.getAccountsList().stream().map(Administration::row).toList(),
                r.getNextPageToken().isEmpty() ? null : r.getNextPageToken(), r.getTotal());
    }

    public AccountView account(Principal p, String address) {
        return view(visibleAccount(p, address), List.of());
    }

    public AccountView createAccount(Principal p, String address, String password, String displayName, Long storage,
            Long messages) {
        Invalid.Collector errors = new Invalid.Collector();
        String domainName = null;
        if (address == null || address.isBlank()) {
            errors.add("address", "give the address, e.g. alice@example.org");
        } else {
            int at = address.trim().lastIndexOf('@');
            if (at <= 0 || at == address.trim().length() - 1) {
                errors.add("address", "an address looks like local@domain; \"" + address.trim() + "\" does not");
            } else {
                domainName = address.trim().substring(at + 1);
            }
        }
        password(errors, password);
        if (displayName != null && displayName.length() > 200) {
            errors.add("displayName", "at most 200 characters");
        }
        Limits.storage(errors, "storageLimit", storage);
        Limits.messages(errors, "messageLimit", messages);
        errors.throwIfAny();
        Domain d;
        try {
            d = visibleDomain(p, domainName);
        } catch (NotFound e) {
            throw Invalid.field("address", "there is no domain " + domainName + "; create it first");
        }
        CreateAccountRequest.Builder b = CreateAccountRequest.newBuilder().setAddress(address.trim())
                .setPassword(password).setDisplayName(displayName == null ? "" : displayName.trim());
        if (storage != null) {
            b.setStorageLimit(storage);
        }
        if (messages != null) {
            b.setMessageLimit(messages);
        }
        Account a = field("address", () -> store.accounts(s -> s.createAccount(b.build())));
        audit(p, "account.create", a.getAddress(), limits(storage, messages));
        return view(a, List.of());
    }

    public AccountView updateAccount(Principal p, String address, Patch<String> displayName, Patch<Long> storage,
            Patch<Long> messages, Patch<Integer> retention, Patch<Boolean> disabled) {
        Account a = visibleAccount(p, address);
        Invalid.Collector errors = new Invalid.Collector();
        if (displayName.present() && displayName.value() != null && displayName.value().length() > 200) {
            errors.add("displayName", "at most 200 characters");
        }
        Limits.storage(errors, "storageLimit", storage.value());
        Limits.messages(errors, "messageLimit", messages.value());
        Limits.retention(errors, "retentionDays", retention.value());
        if (disabled.clears()) {
            errors.add("disabled", "true or false");
        }
        errors.throwIfAny();
        UpdateAccountRequest.Builder b = UpdateAccountRequest.newBuilder().setId(a.getId())
                .setClearStorageLimit(storage.clears()).setClearMessageLimit(messages.clears());
        if (displayName.present()) {
            b.setDisplayName(displayName.value() == null ? "" : displayName.value().trim());
        }
        if (storage.sets()) {
            b.setStorageLimit(storage.value());
        }
        if (messages.sets()) {
            b.setMessageLimit(messages.value());
        }
        Account u = store.accounts(s -> s.updateAccount(b.build()));
        if (retention.present()) {
            store.pop3(s -> s.setRetentionPolicy(SetRetentionPolicyRequest.newBuilder().setAccountId(a.getId())
                    .setClear(retention.clears()).setRetentionDays(retention.sets() ? retention.value() : -1)
                    .build()));
        }
        if (disabled.sets() && disabled.value() != a.getDisabled()) {
            u = store.accounts(s -> s.setAccountDisabled(SetAccountDisabledRequest.newBuilder().setId(a.getId())
                    .setDisabled(disabled.value()).build()));
        }
        audit(p, "account.update", a.getAddress(), change("displayName", displayName) + change("storageLimit",
                storage) + change("messageLimit", messages) + change("retentionDays", retention)
                + change("disabled", disabled));
        AccountView v = view(u, List.of());
        List<String> warnings = new ArrayList<>();
        if (v.effectiveStorageLimit() > 0 && v.storageUsed() > v.effectiveStorageLimit()) {
            warnings.add("the storage limit (" + Sizes.format(v.effectiveStorageLimit())
                    + ") is below the current usage (" + Sizes.format(v.storageUsed())
                    + "): new mail is refused until messages are deleted");
        }
        if (v.effectiveMessageLimit() > 0 && v.messagesUsed() > v.effectiveMessageLimit()) {
            warnings.add("the message limit (" + v.effectiveMessageLimit() + ") is below the current count ("
                    + v.messagesUsed() + "): new mail is refused until messages are deleted");
        }
        return warnings.isEmpty() ? v : view(u, warnings);
    }

    public void setPassword(Principal p, String address, String password) {
        Account a = visibleAccount(p, address);
        Invalid.Collector errors = new Invalid.Collector();
        password(errors, password);
        errors.throwIfAny();
        field("password", () -> store.accounts(s -> s.setPassword(SetPasswordRequest.newBuilder().setId(a.getId())
                .setPassword(password).build())));
        audit(p, "account.password", a.getAddress(), "");
    }

    public void deleteAccount(Principal p, String address) {
        Account a = visibleAccount(p, address);
        store.accounts(s -> s.deleteAccount(DeleteAccountRequest.newBuilder().setId(a.getId()).build()));
        audit(p, "account.delete", a.getAddress(), "");
    }

    public UsageView usage(Principal p, String address) {
        Account a = visibleAccount(p, address);
        AccountUsage u = store.admin(s -> s.getAccountUsage(GetAccountUsageRequest.newBuilder().setAccountId(a.getId())
                .build()));
        return new UsageView(u.getAddress(), u.getStorageUsed(), u.getStorageLimit(), u.getMessagesUsed(),
                u.getMessageLimit(), ratio(u.getStorageUsed(), u.getStorageLimit(), u.getMessagesUsed(),
                        u.getMessageLimit()),
                u.getMailboxesList().stream().map(m -> new MailboxView(m.getName(), m.getMessages(), m.getSize()))
                        .toList());
    }

    public OverviewView overview(Principal p) {
        double warn = config.warnLevel();
        double critical = config.criticalLevel();
        GetOverviewRequest.Builder b = GetOverviewRequest.newBuilder().setWarn(warn).setCritical(critical);
        if (!p.superAdmin()) {
            b.addAllDomainIds(p.domainIds());
        }
        Overview o = store.admin(s -> s.getOverview(b.build()));
        AccountPage warned = accounts(p, null, null, "usage", "desc", 20, null, warn);
        return new OverviewView(o.getDomains(), o.getAccounts(), o.getStorageUsed(), o.getMessagesUsed(),
                o.getAboveWarn(), o.getAboveCritical(), warn, critical, warned.accounts());
    }

    // ---------------------------------------------------------------- administrators, tokens, audit

    public List<AdminView> admins(Principal p) {
        requireSuper(p, "see administrators");
        Map<Long, String> names = domainNames();
        return store.admin(s -> s.listAdmins(ListAdminsRequest.getDefaultInstance())).getAdminsList().stream()
                .map(a -> view(a, names)).toList();
    }

    public AdminView createAdmin(Principal p, String username, String password, String role, List<String> domains) {
        requireSuper(p, "create administrators");
        Invalid.Collector errors = new Invalid.Collector();
        if (username == null || !username.trim().matches("[A-Za-z0-9._@-]{1,64}")) {
            errors.add("username", "1..64 letters, digits, '.', '_', '-' or '@'");
        }
        password(errors, password);
        if (!"super-admin".equals(role) && !"domain-admin".equals(role)) {
            errors.add("role", "super-admin or domain-admin");
        }
        List<String> ds = domains == null ? List.of() : domains.stream().filter(d -> !d.isBlank()).toList();
        if ("domain-admin".equals(role) && ds.isEmpty()) {
            errors.add("domains", "a domain-admin needs at least one domain");
        }
        if ("super-admin".equals(role) && !ds.isEmpty()) {
            errors.add("domains", "a super-admin administers every domain; give none");
        }
        errors.throwIfAny();
        CreateAdminRequest.Builder b = CreateAdminRequest.newBuilder().setUsername(username.trim())
                .setPassword(password).setRole(role);
        for (String d : ds) {
            try {
                b.addDomainIds(visibleDomain(p, d).getId());
            } catch (NotFound e) {
                throw Invalid.field("domains", "there is no domain " + d);
            }
        }
        Admin a = field("username", () -> store.admin(s -> s.createAdmin(b.build())));
        audit(p, "admin.create", a.getUsername(), role + (ds.isEmpty() ? "" : " of " + String.join(", ", ds)));
        return view(a, domainNames());
    }

    public TokenView createToken(Principal p, String name) {
        if (name == null || name.isBlank() || name.length() > 100) {
            throw Invalid.field("name", "say what the token is for, in 1..100 characters");
        }
        CreateApiTokenResponse r = store.admin(s -> s.createApiToken(CreateApiTokenRequest.newBuilder()
                .setAdminId(p.id()).setName(name.trim()).build()));
        audit(p, "token.create", p.username(), name.trim());
        return new TokenView(r.getToken().getId(), r.getToken().getName(), time(r.getToken().getCreatedAt()), null,
                r.getSecret());
    }

    public List<TokenView> tokens(Principal p) {
        return store.admin(s -> s.listApiTokens(ListApiTokensRequest.newBuilder().setAdminId(p.id()).build()))
                .getTokensList().stream().map(t -> new TokenView(t.getId(), t.getName(), time(t.getCreatedAt()),
                        t.getLastUsed() == 0 ? null : time(t.getLastUsed()), null)).toList();
    }

    public void revokeToken(Principal p, long id) {
        boolean own = tokens(p).stream().anyMatch(t -> t.id() == id);
        if (!own && !p.superAdmin()) {
            throw new NotFound("no token " + id);
        }
        store.admin(s -> s.revokeApiToken(RevokeApiTokenRequest.newBuilder().setId(id).build()));
        audit(p, "token.revoke", p.username(), String.valueOf(id));
    }

    @io.quarkus.qute.TemplateData
    public record AuditPage(List<AuditView> entries, String nextCursor) {
    }

    public AuditPage audit(Principal p, int limit, String cursor) {
        ListAuditRequest.Builder b = ListAuditRequest.newBuilder().setPageSize(limit)
                .setPageToken(cursor == null ? "" : cursor);
        if (!p.superAdmin()) {
            Map<Long, String> names = domainNames();
            p.domainIds().forEach(id -> b.addDomains(names.getOrDefault(id, "")));
        }
        ListAuditResponse r = field("cursor", () -> store.admin(s -> s.listAudit(b.build())));
        return new AuditPage(r.getEntriesList().stream().map(e -> new AuditView(e.getId(), time(e.getAt()),
                e.getActor(), e.getAction(), e.getTarget(), e.getDetail())).toList(),
                r.getNextPageToken().isEmpty() ? null : r.getNextPageToken());
    }

    // ---------------------------------------------------------------- helpers

    /** Not there (or not visible to a domain-admin? no: that is {@link Denied}): 404. */
    public static class NotFound extends RuntimeException {
        public NotFound(String message) {
            super(message);
        }
    }

    /** The change conflicts with the current state: 409. */
    public static class Conflict extends RuntimeException {
        public Conflict(String message) {
            super(message);
        }
    }

    private static void requireSuper(Principal p, String what) {
        if (!p.superAdmin()) {
            throw new Denied("only a super-admin may " + what);
        }
    }

    private Domain visibleDomain(Principal p, String name) {
        if (name == null || name.isBlank()) {
            throw new NotFound("no domain given");
        }
        Domain d;
        try {
            d = store.accounts(s -> s.getDomain(GetDomainRequest.newBuilder().setName(name.trim()).build()));
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND
                    || e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT) {
                throw new NotFound("no domain " + name.trim());
            }
            throw e;
        }
        if (!p.canSee(d.getId())) {
            throw new Denied("domain " + d.getName() + " is not one of yours");
        }
        return d;
    }

    private Account visibleAccount(Principal p, String address) {
        Account a;
        try {
            a = store.accounts(s -> s.getAccount(GetAccountRequest.newBuilder()
                    .setAddress(address == null ? "" : address.trim()).build()));
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND
                    || e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT) {
                throw new NotFound("no account " + address);
            }
            throw e;
        }
        if (!p.canSee(a.getDomainId())) {
            throw new Denied("account " + a.getAddress() + " is not in one of your domains");
        }
        return a;
    }

    private List<Domain> allDomains() {
        List<Domain> all = new ArrayList<>();
        String token = "";
        do {
            String t = token;
            ListDomainsResponse r = store.accounts(s -> s.listDomains(ListDomainsRequest.newBuilder().setPageSize(1000)
                    .setPageToken(t).build()));
            all.addAll(r.getDomainsList());
            token = r.getNextPageToken();
        } while (!token.isEmpty());
        all.sort((a, b) -> a.getName().compareTo(b.getName()));
        return all;
    }

    private Map<Long, String> domainNames() {
        Map<Long, String> names = new HashMap<>();
        allDomains().forEach(d -> names.put(d.getId(), d.getName()));
        return names;
    }

    /** Runs a store call whose INVALID_ARGUMENT / ALREADY_EXISTS is about one field of the input. */
    private static <T> T field(String field, Supplier<T> call) {
        try {
            return call.get();
        } catch (StatusRuntimeException e) {
            String msg = e.getStatus().getDescription() == null ? "not valid" : e.getStatus().getDescription();
            switch (e.getStatus().getCode()) {
                case INVALID_ARGUMENT -> throw Invalid.field(field, msg);
                case ALREADY_EXISTS -> throw new Conflict(msg);
                default -> throw e;
            }
        }
    }

    private static void password(Invalid.Collector errors, String password) {
        if (password == null || password.length() < 8) {
            errors.add("password", "at least 8 characters");
        } else if (password.length() > 1024) {
            errors.add("password", "at most 1024 characters");
        }
    }

    private void audit(Principal p, String action, String target, String detail) {
        store.admin(s -> s.appendAudit(AuditEntry.newBuilder().setActor(p.username()).setAction(action)
                .setTarget(target).setDetail(detail == null ? "" : detail.trim()).build()));
    }

    private static String limits(Long storage, Long messages) {
        return (storage == null ? "" : "storageLimit=" + storage + " ")
                + (messages == null ? "" : "messageLimit=" + messages + " ");
    }

    private static String retention(Integer days) {
        return days == null ? "" : "retentionDays=" + days;
    }

    private static String change(String name, Patch<?> patch) {
        if (!patch.present()) {
            return "";
        }
        return name + "=" + (patch.value() == null ? "inherit" : patch.value()) + " ";
    }

    private DomainView view(Domain d) {
        return new DomainView(d.getId(), d.getName(), d.hasDefaultStorageLimit() ? d.getDefaultStorageLimit() : null,
                d.hasDefaultMessageLimit() ? d.getDefaultMessageLimit() : null, d.getEffectiveStorageLimit(),
                d.getEffectiveMessageLimit(), d.getPop3RetentionDays(), d.getAccountCount(), time(d.getCreatedAt()));
    }

    private AccountView view(Account a, List<String> warnings) {
        Quota q = store.quotas(s -> s.getQuota(GetQuotaRequest.newBuilder().setAccountId(a.getId()).build()));
        RetentionPolicy r = store.pop3(s -> s.getRetentionPolicy(GetRetentionPolicyRequest.newBuilder()
                .setAccountId(a.getId()).build()));
        String domain = a.getAddress().substring(a.getAddress().lastIndexOf('@') + 1);
        return new AccountView(a.getId(), a.getAddress(), domain, a.getDisplayName(), a.getDisabled(),
                a.hasStorageLimit() ? a.getStorageLimit() : null, a.hasMessageLimit() ? a.getMessageLimit() : null,
                q.getStorageLimit(), q.getMessageLimit(), q.getStorageUsed(), q.getMessagesUsed(),
                ratio(q.getStorageUsed(), q.getStorageLimit(), q.getMessagesUsed(), q.getMessageLimit()),
                a.hasPop3RetentionDays() ? a.getPop3RetentionDays() : null, r.getRetentionDays(), r.getSource(),
                time(a.getCreatedAt()), warnings);
    }

    private static AdminView view(Admin a, Map<Long, String> names) {
        return new AdminView(a.getId(), a.getUsername(), a.getRole(),
                a.getDomainIdsList().stream().map(id -> names.getOrDefault(id, "#" + id)).toList());
    }

    private static AccountRow row(dev.mailplatform.store.v1.AccountRow r) {
        return new AccountRow(r.getId(), r.getAddress(), r.getDisplayName(), r.getDisabled(), r.getStorageUsed(),
                r.getStorageLimit(), r.getMessagesUsed(), r.getMessageLimit(), r.getUsage());
    }

    static double ratio(long storageUsed, long storageLimit, long messagesUsed, long messageLimit) {
        double s = storageLimit > 0 ? (double) storageUsed / storageLimit : 0;
        double m = messageLimit > 0 ? (double) messagesUsed / messageLimit : 0;
        return Math.max(s, m);
    }

    private static String time(long millis) {
        return millis == 0 ? null : Instant.ofEpochMilli(millis).toString();
    }

    static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }
}
