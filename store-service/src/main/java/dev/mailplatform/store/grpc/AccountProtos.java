package dev.mailplatform.store.grpc;

import dev.mailplatform.store.domain.LoginResult;
import dev.mailplatform.store.domain.MailAccount;
import dev.mailplatform.store.domain.MailDomain;
import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.AuthResult;
import dev.mailplatform.store.v1.AuthenticateResponse;
import dev.mailplatform.store.v1.Domain;
import java.time.Instant;

/** The account side's domain types as the wire carries them; AccountService and POP3's Login share it. */
final class AccountProtos {

    private AccountProtos() {
    }

    static Domain domain(MailDomain d) {
        Domain.Builder b = Domain.newBuilder().setId(d.id()).setName(d.name())
                .setPop3RetentionDays(d.pop3RetentionDays()).setCreatedAt(millis(d.createdAt()))
                .setAccountCount(d.accountCount()).setEffectiveStorageLimit(d.effectiveStorageLimit())
                .setEffectiveMessageLimit(d.effectiveMessageLimit());
        if (d.defaultStorageLimit() != null) {
            b.setDefaultStorageLimit(d.defaultStorageLimit());
        }
        if (d.defaultMessageLimit() != null) {
            b.setDefaultMessageLimit(d.defaultMessageLimit());
        }
        return b.build();
    }

    static Account account(MailAccount a) {
        Account.Builder b = Account.newBuilder().setId(a.id()).setAddress(a.address()).setDomainId(a.domainId())
                .setDisplayName(a.displayName()).setDisabled(a.disabled()).setStorageUsed(a.storageUsed())
                .setMessagesUsed(a.messagesUsed()).setPop3LoginDelaySeconds(a.pop3LoginDelaySeconds())
                .setCreatedAt(millis(a.createdAt()));
        if (a.storageLimit() != null) {
            b.setStorageLimit(a.storageLimit());
        }
        if (a.messageLimit() != null) {
            b.setMessageLimit(a.messageLimit());
        }
        if (a.pop3RetentionDays() != null) {
            b.setPop3RetentionDays(a.pop3RetentionDays());
        }
        return b.build();
    }

    static AuthenticateResponse login(LoginResult r) {
        AuthenticateResponse.Builder b = AuthenticateResponse.newBuilder().setResult(switch (r.outcome()) {
            case OK -> AuthResult.AUTH_OK;
            case INVALID_CREDENTIALS -> AuthResult.AUTH_INVALID_CREDENTIALS;
            case ACCOUNT_DISABLED -> AuthResult.AUTH_ACCOUNT_DISABLED;
        }).setFailuresForIp(r.failuresForIp()).setFailuresForUser(r.failuresForUser()).setDelayMs(r.delayMs())
                .setThrottled(r.throttled());
        if (r.account() != null) {
            b.setAccount(account(r.account()));
        }
        if (r.quotaAlert() != null) {
            b.setQuotaAlert(r.quotaAlert());
        }
        return b.build();
    }

    private static long millis(Instant t) {
        return t == null ? 0 : t.toEpochMilli();
    }
}
