package dev.mailplatform.pop3.service;

import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.AccountServiceGrpc;
import dev.mailplatform.store.v1.AppendResponse;
import dev.mailplatform.store.v1.MailboxRef;
import dev.mailplatform.store.v1.MessageServiceGrpc;
import dev.mailplatform.testkit.StoreTestClient;
import dev.mailplatform.testkit.TestCertificates;
import io.grpc.ManagedChannel;
import java.nio.charset.StandardCharsets;

/** Test data through the real store's gRPC API: accounts of their own per test, and delivered messages. */
public final class StoreFixture implements AutoCloseable {

    public static final String PASSWORD = "s3cret pass";

    public final ManagedChannel channel;
    public final AccountServiceGrpc.AccountServiceBlockingStub accounts;
    public final MessageServiceGrpc.MessageServiceBlockingStub messages;
    public final dev.mailplatform.store.v1.MailboxServiceGrpc.MailboxServiceBlockingStub mailboxes;
    public final dev.mailplatform.store.v1.Pop3ServiceGrpc.Pop3ServiceBlockingStub pop3;

    public StoreFixture(String host, int port) {
        channel = TestCertificates.channel(host, port).maxInboundMessageSize(16 << 20).build();
        accounts = AccountServiceGrpc.newBlockingStub(channel);
        messages = MessageServiceGrpc.newBlockingStub(channel);
        mailboxes = dev.mailplatform.store.v1.MailboxServiceGrpc.newBlockingStub(channel);
        pop3 = dev.mailplatform.store.v1.Pop3ServiceGrpc.newBlockingStub(channel);
    }

    public Account newAccount(String prefix) {
        return StoreTestClient.newAccount(accounts, prefix, PASSWORD);
    }

    public AppendResponse deliver(Account account, byte[] message) {
        return StoreTestClient.append(channel,
                MailboxRef.newBuilder().setAccountId(account.getId()).setMailbox("INBOX").build(), message);
    }

    public AppendResponse deliver(Account account, String message) {
        return deliver(account, message.getBytes(StandardCharsets.UTF_8));
    }

    public static String message(String subject, String body) {
        return "From: sender@pop3.test\r\nTo: rcpt@pop3.test\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + System.nanoTime() + "@pop3.test>\r\n\r\n" + body;
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
