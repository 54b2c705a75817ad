package dev.mailplatform.store.grpc;

import dev.mailplatform.store.domain.Accounts;
import dev.mailplatform.store.domain.Domains;
import dev.mailplatform.store.domain.Logins;
import dev.mailplatform.store.error.StoreException;
import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.AccountService;
import dev.mailplatform.store.v1.AuthenticateRequest;
import dev.mailplatform.store.v1.AuthenticateResponse;
import dev.mailplatform.store.v1.CreateAccountRequest;
import dev.mailplatform.store.v1.CreateDomainRequest;
import dev.mailplatform.store.v1.DeleteAccountRequest;
import dev.mailplatform.store.v1.DeleteAccountResponse;
import dev.mailplatform.store.v1.DeleteDomainRequest;
import dev.mailplatform.store.v1.DeleteDomainResponse;
import dev.mailplatform.store.v1.Domain;
import dev.mailplatform.store.v1.GetAccountRequest;
import dev.mailplatform.store.v1.GetDomainRequest;
import dev.mailplatform.store.v1.ListAccountsRequest;
import dev.mailplatform.store.v1.ListAccountsResponse;
import dev.mailplatform.store.v1.ListDomainsRequest;
import dev.mailplatform.store.v1.ListDomainsResponse;
import dev.mailplatform.store.v1.SetAccountDisabledRequest;
import dev.mailplatform.store.v1.SetPasswordRequest;
import dev.mailplatform.store.v1.UpdateAccountRequest;
import dev.mailplatform.store.v1.UpdateDomainRequest;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

@GrpcService
public class AccountGrpc implements AccountService {

    private final Domains domains;
    private final Accounts accounts;
    private final Logins logins;

    public AccountGrpc(Domains domains, Accounts accounts, Logins logins) {
        this.domains = domains;
        this.accounts = accounts;
        this.logins = logins;
    }

    @Override
    public Uni<AuthenticateResponse> authenticate(AuthenticateRequest r) {
        return Offload.call(() -> AccountProtos.login(logins.authenticate(r.getUsername(), r.getPassword(),
                r.getRemoteIp(), r.getProtocol())));
    }

    @Override
    public Uni<Domain> createDomain(CreateDomainRequest r) {
        return Offload.call(() -> AccountProtos.domain(domains.createDomain(r.getName(),
                r.hasDefaultStorageLimit() ? r.getDefaultStorageLimit() : null,
                r.hasDefaultMessageLimit() ? r.getDefaultMessageLimit() : null,
                r.hasPop3RetentionDays() ? r.getPop3RetentionDays() : -1)));
    }

    @Override
    public Uni<Domain> getDomain(GetDomainRequest r) {
        return Offload.call(() -> AccountProtos.domain(switch (r.getKeyCase()) {
            case ID -> domains.getDomain(r.getId(), null);
            case NAME -> domains.getDomain(null, r.getName());
            default -> throw StoreException.invalid("give a domain id or name");
        }));
    }

    @Override
    public Uni<ListDomainsResponse> listDomains(ListDomainsRequest r) {
        return Offload.call(() -> {
            var page = domains.listDomains(r.getPageSize(), r.getPageToken());
            return ListDomainsResponse.newBuilder()
                    .addAllDomains(page.items().stream().map(AccountProtos::domain).toList()).setNextPageToken(page.nextToken())
                    .build();
        });
    }

    @Override
    public Uni<Domain> updateDomain(UpdateDomainRequest r) {
        return Offload.call(() -> AccountProtos.domain(domains.updateDomain(r.getId(),
                r.hasDefaultStorageLimit() ? r.getDefaultStorageLimit() : null,
                r.hasDefaultMessageLimit() ? r.getDefaultMessageLimit() : null,
                r.hasPop3RetentionDays() ? r.getPop3RetentionDays() : null, r.getClearDefaultStorageLimit(),
                r.getClearDefaultMessageLimit())));
    }

    @Override
    public Uni<DeleteDomainResponse> deleteDomain(DeleteDomainRequest r) {
        return Offload.call(() -> {
            domains.deleteDomain(r.getId(), r.getCascade());
            return DeleteDomainResponse.getDefaultInstance();
        });
    }

    @Override
    public Uni<Account> createAccount(CreateAccountRequest r) {
        return Offload.call(() -> AccountProtos.account(accounts.createAccount(r.getAddress(), r.getPassword(),
                r.getDisplayName(), r.hasStorageLimit() ? r.getStorageLimit() : null,
                r.hasMessageLimit() ? r.getMessageLimit() : null, r.getCreateDomain())));
    }

    @Override
    public Uni<Account> getAccount(GetAccountRequest r) {
        return Offload.call(() -> AccountProtos.account(switch (r.getKeyCase()) {
            case ID -> accounts.getAccount(r.getId(), null);
            case ADDRESS -> accounts.getAccount(null, r.getAddress());
            default -> throw StoreException.invalid("give an account id or address");
        }));
    }

    @Override
    public Uni<ListAccountsResponse> listAccounts(ListAccountsRequest r) {
        return Offload.call(() -> {
            var page = accounts.listAccounts(r.getDomainId(), r.getPageSize(), r.getPageToken(), r.getQuery());
            return ListAccountsResponse.newBuilder()
                    .addAllAccounts(page.items().stream().map(AccountProtos::account).toList()).setNextPageToken(page.nextToken())
                    .build();
        });
    }

    @Override
    public Uni<Account> updateAccount(UpdateAccountRequest r) {
        return Offload.call(() -> AccountProtos.account(accounts.updateAccount(r.getId(),
                r.hasDisplayName() ? r.getDisplayName() : null, r.hasStorageLimit() ? r.getStorageLimit() : null,
                r.hasMessageLimit() ? r.getMessageLimit() : null, r.getClearStorageLimit(), r.getClearMessageLimit(),
                r.hasPop3LoginDelaySeconds() ? r.getPop3LoginDelaySeconds() : null)));
    }

    @Override
    public Uni<DeleteAccountResponse> deleteAccount(DeleteAccountRequest r) {
        return Offload.call(() -> {
            accounts.deleteAccount(r.getId());
            return DeleteAccountResponse.getDefaultInstance();
        });
    }

    @Override
    public Uni<Account> setPassword(SetPasswordRequest r) {
        return Offload.call(() -> AccountProtos.account(accounts.setPassword(r.getId(), r.getPassword())));
    }

    @Override
    public Uni<Account> setAccountDisabled(SetAccountDisabledRequest r) {
        return Offload.call(() -> AccountProtos.account(accounts.setDisabled(r.getId(), r.getDisabled())));
    }
}
