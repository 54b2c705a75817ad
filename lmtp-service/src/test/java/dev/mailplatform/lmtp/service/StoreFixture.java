package dev.mailplatform.lmtp.service;

import com.google.protobuf.ByteString;
import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.AccountServiceGrpc;
import dev.mailplatform.store.v1.DeliveryServiceGrpc;
import dev.mailplatform.store.v1.FetchContentRequest;
import dev.mailplatform.store.v1.FetchContentResponse;
import dev.mailplatform.store.v1.GetStatusRequest;
import dev.mailplatform.store.v1.MailboxRef;
import dev.mailplatform.store.v1.MailboxServiceGrpc;
import dev.mailplatform.store.v1.MessageServiceGrpc;
import dev.mailplatform.store.v1.Section;
import dev.mailplatform.store.v1.SectionKind;
import dev.mailplatform.testkit.StoreTestClient;
import dev.mailplatform.testkit.TestCertificates;
import io.grpc.ManagedChannel;
import java.util.Iterator;

/** The real store's gRPC API for the tests: accounts of their own, and reading back what LMTP stored. */
public final class StoreFixture implements AutoCloseable {

    public static final String PASSWORD = "s3cret pass";

    public final ManagedChannel channel;
    public final AccountServiceGrpc.AccountServiceBlockingStub accounts;
    public final MessageServiceGrpc.MessageServiceBlockingStub messages;
    public final MailboxServiceGrpc.MailboxServiceBlockingStub mailboxes;
    public final DeliveryServiceGrpc.DeliveryServiceBlockingStub delivery;

    public StoreFixture(String host, int port) {
        channel = TestCertificates.channel(host, port).maxInboundMessageSize(16 << 20).build();
        accounts = AccountServiceGrpc.newBlockingStub(channel);
        messages = MessageServiceGrpc.newBlockingStub(channel);
        mailboxes = MailboxServiceGrpc.newBlockingStub(channel);
        delivery = DeliveryServiceGrpc.newBlockingStub(channel);
    }

    public Account newAccount(String prefix) {
        return StoreTestClient.newAccount(accounts, prefix, PASSWORD);
    }

    public int messages(Account a, String mailbox) {
        return mailboxes.getStatus(GetStatusRequest.newBuilder().setMailbox(ref(a, mailbox)).build()).getMessages();
    }

    /** The messages the account's quota counts (quota warnings, which sit in the INBOX, are not counted). */
    public long messagesUsed(Account a) {
        return accounts.getAccount(dev.mailplatform.store.v1.GetAccountRequest.newBuilder().setId(a.getId()).build())
                .getMessagesUsed();
    }

    /** The message's bytes as IMAP BODY[] and POP3 RETR get them: the store's content RPC. */
    public byte[] content(Account a, String mailbox, long uid) {
        Iterator<FetchContentResponse> it = messages.fetchContent(FetchContentRequest.newBuilder()
                .setMailbox(ref(a, mailbox)).setUid((int) uid)
                .setSection(Section.newBuilder().setKind(SectionKind.SECTION_FULL)).build());
        ByteString all = ByteString.EMPTY;
        while (it.hasNext()) {
            all = all.concat(it.next().getData());
        }
        return all.toByteArray();
    }

    static MailboxRef ref(Account a, String mailbox) {
        return MailboxRef.newBuilder().setAccountId(a.getId()).setMailbox(mailbox).build();
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
