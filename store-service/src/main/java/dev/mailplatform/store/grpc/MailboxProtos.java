package dev.mailplatform.store.grpc;

import dev.mailplatform.store.change.Change;
import dev.mailplatform.store.domain.MailboxCounters;
import dev.mailplatform.store.domain.MailboxSummary;
import dev.mailplatform.store.domain.Maildrops;
import dev.mailplatform.store.domain.Quotas;
import dev.mailplatform.store.v1.ChangeEvent;
import dev.mailplatform.store.v1.MailboxInfo;
import dev.mailplatform.store.v1.MailboxStatus;
import dev.mailplatform.store.v1.MaildropEntry;
import dev.mailplatform.store.v1.MaildropHeader;
import dev.mailplatform.store.v1.Quota;
import dev.mailplatform.store.v1.RetentionPolicy;
import java.util.ArrayList;
import java.util.List;

/** Mailboxes, quotas, maildrops and change events as the wire carries them (UIDs and counters are uint32 there). */
final class MailboxProtos {

    private MailboxProtos() {
    }

    static MailboxInfo info(MailboxSummary m) {
        return MailboxInfo.newBuilder().setMailboxId(m.mailboxId()).setName(m.name()).setSpecialUse(m.specialUse())
                .setHasChildren(m.hasChildren()).setSubscribed(m.subscribed()).setNonexistent(m.nonexistent())
                .setUidvalidity((int) m.uidvalidity()).build();
    }

    static List<MailboxInfo> infos(List<MailboxSummary> list) {
        List<MailboxInfo> out = new ArrayList<>(list.size());
        list.forEach(m -> out.add(info(m)));
        return out;
    }

    static MailboxStatus status(MailboxCounters c) {
        return MailboxStatus.newBuilder().setMailboxId(c.mailboxId()).setName(c.name()).setMessages(c.messages())
                .setUidnext((int) c.uidnext()).setUidvalidity((int) c.uidvalidity()).setUnseen(c.unseen())
                .setSize(c.size()).setHighestModseq(c.highestModseq()).setFirstUnseenUid((int) c.firstUnseenUid())
                .setRecent(c.recent()).build();
    }

    static Quota quota(Quotas.Usage u) {
        return Quota.newBuilder().setRoot(Quotas.ROOT).setStorageUsed(u.storageUsed()).setStorageLimit(u.storageLimit())
                .setMessagesUsed(u.messagesUsed()).setMessageLimit(u.messageLimit()).build();
    }

    static MaildropHeader maildrop(Maildrops.Header h) {
        return MaildropHeader.newBuilder().setLeaseId(h.leaseId()).setExpiresAt(h.expiresAt().toEpochMilli())
                .setUidvalidity((int) h.uidvalidity()).setMessages(h.messages()).setSize(h.size())
                .setRetentionDays(h.retentionDays()).setLoginDelaySeconds(h.loginDelaySeconds()).build();
    }

    static List<MaildropEntry> entries(List<Maildrops.Entry> page) {
        List<MaildropEntry> out = new ArrayList<>(page.size());
        for (Maildrops.Entry e : page) {
            out.add(MaildropEntry.newBuilder().setUid((int) e.uid()).setSize(e.size()).setUniqueId(e.uniqueId())
                    .build());
        }
        return out;
    }

    static RetentionPolicy retention(Maildrops.Retention r) {
        RetentionPolicy.Builder b = RetentionPolicy.newBuilder().setRetentionDays(r.retentionDays())
                .setSource(r.source()).setDomainRetentionDays(r.domainRetentionDays());
        if (r.accountRetentionDays() != null) {
            b.setAccountRetentionDays(r.accountRetentionDays());
        }
        return b.build();
    }

    /** A Watch stream's event; the kind keeps its number (ChangeKind's code is the wire's). */
    static ChangeEvent event(Change c) {
        return ChangeEvent.newBuilder().setAccountId(c.accountId()).setMailboxId(c.mailboxId()).setMailbox(c.mailbox())
                .setKindValue(c.kind().code).setHighestModseq(c.highestModseq())
                .setUidnext((int) c.uidnext()).setMessages((int) c.messages()).build();
    }
}
