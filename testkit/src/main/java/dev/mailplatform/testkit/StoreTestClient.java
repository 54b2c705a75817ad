package dev.mailplatform.testkit;

import com.google.protobuf.ByteString;
import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.AccountServiceGrpc;
import dev.mailplatform.store.v1.AppendHeader;
import dev.mailplatform.store.v1.AppendRequest;
import dev.mailplatform.store.v1.AppendResponse;
import dev.mailplatform.store.v1.CreateAccountRequest;
import dev.mailplatform.store.v1.MailboxRef;
import dev.mailplatform.store.v1.MessageServiceGrpc;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test data through the store's own contract, the one way every module's tests and benchmarks make it: accounts of
 * their own (each in a fresh domain, so tests never see each other's data) and messages appended as a front end
 * streams them.
 */
public final class StoreTestClient {

    /** The size of the pieces a message is streamed in, as the front ends send an APPEND literal. */
    public static final int CHUNK = 64 * 1024;

    private static final AtomicInteger SEQ = new AtomicInteger();

    private StoreTestClient() {
    }

    /** A new account {@code prefix-N@dN-T.example.test}, its domain created with it. */
    public static Account newAccount(AccountServiceGrpc.AccountServiceBlockingStub accounts, String prefix,
            String password) {
        int n = SEQ.incrementAndGet();
        String domain = "d" + n + "-" + System.nanoTime() % 1_000_000 + ".example.test";
        return accounts.createAccount(CreateAccountRequest.newBuilder().setAddress(prefix + n + "@" + domain)
                .setPassword(password).setCreateDomain(true).build());
    }

    /** Appends {@code message} to {@code mailbox}, in {@link #CHUNK} pieces. */
    public static AppendResponse append(Channel channel, MailboxRef mailbox, byte[] message) {
        return append(channel, AppendHeader.newBuilder().setMailbox(mailbox).setDeclaredSize(message.length).build(),
                message, CHUNK);
    }

    /**
     * Streams an APPEND: the header, then the message in pieces of {@code chunk} bytes. A store refusal is thrown as
     * its {@link StatusRuntimeException}.
     */
    public static AppendResponse append(Channel channel, AppendHeader header, byte[] message, int chunk) {
        CompletableFuture<AppendResponse> done = new CompletableFuture<>();
        StreamObserver<AppendRequest> call = MessageServiceGrpc.newStub(channel).append(new StreamObserver<>() {
            @Override
            public void onNext(AppendResponse value) {
                done.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
            }
        });
        call.onNext(AppendRequest.newBuilder().setHeader(header).build());
        for (int off = 0; off < message.length; off += chunk) {
            call.onNext(AppendRequest.newBuilder()
                    .setChunk(ByteString.copyFrom(message, off, Math.min(chunk, message.length - off))).build());
        }
        call.onCompleted();
        try {
            return done.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StatusRuntimeException s) {
                throw s;
            }
            throw new IllegalStateException("append failed", e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("append got no answer in 60 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during an append", e);
        }
    }
}
