package dev.mailplatform.pop3.service;

import com.google.protobuf.ByteString;
import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.AccountServiceGrpc;
import dev.mailplatform.store.v1.AppendHeader;
import dev.mailplatform.store.v1.AppendRequest;
import dev.mailplatform.store.v1.AppendResponse;
import dev.mailplatform.store.v1.CreateAccountRequest;
import dev.mailplatform.store.v1.MailboxRef;
import dev.mailplatform.store.v1.MessageServiceGrpc;
import dev.mailplatform.testkit.TestCertificates;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Test data through the real store's gRPC API: accounts of their own per test, and delivered messages. */
public final class StoreFixture implements AutoCloseable {

    private static final AtomicInteger SEQ = new AtomicInteger();
    public static final String PASSWORD = "s3cret pass";

    public final ManagedChannel channel;
    public final AccountServiceGrpc.AccountServiceBlockingStub accounts;
    public final MessageServiceGrpc.MessageServiceBlockingStub messages;
    public final dev.mailplatform.store.v1.MailboxServiceGrpc.MailboxServiceBlockingStub mailboxes;
    public final dev.mailplatform.store.v1.Pop3ServiceGrpc.Pop3ServiceBlockingStub pop3;
    private final MessageServiceGrpc.MessageServiceStub async;

    public StoreFixture(String host, int port) {
        channel = TestCertificates.channel(host, port).maxInboundMessageSize(16 << 20).build();
        accounts = AccountServiceGrpc.newBlockingStub(channel);
        messages = MessageServiceGrpc.newBlockingStub(channel);
        mailboxes = dev.mailplatform.store.v1.MailboxServiceGrpc.newBlockingStub(channel);
        pop3 = dev.mailplatform.store.v1.Pop3ServiceGrpc.newBlockingStub(channel);
        async = MessageServiceGrpc.newStub(channel);
    }

    public Account newAccount(String prefix) {
        String address = prefix + "-" + System.nanoTime() % 1_000_000 + "-" + SEQ.incrementAndGet() + "@pop3.test";
        return accounts.createAccount(CreateAccountRequest.newBuilder().setAddress(address).setPassword(PASSWORD)
                .setCreateDomain(true).build());
    }

    public AppendResponse deliver(Account account, byte[] message) {
        CompletableFuture<AppendResponse> result = new CompletableFuture<>();
        StreamObserver<AppendRequest> call = async.append(new StreamObserver<>() {
            @Override
            public void onNext(AppendResponse value) {
                result.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                result.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
            }
        });
        call.onNext(AppendRequest.newBuilder().setHeader(AppendHeader.newBuilder()
                .setMailbox(MailboxRef.newBuilder().setAccountId(account.getId()).setMailbox("INBOX"))
                .setDeclaredSize(message.length)).build());
        for (int off = 0; off < message.length; off += 65536) {
            call.onNext(AppendRequest.newBuilder().setChunk(ByteString.copyFrom(message, off,
                    Math.min(65536, message.length - off))).build());
        }
        call.onCompleted();
        try {
            return result.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("append failed", e);
        }
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
