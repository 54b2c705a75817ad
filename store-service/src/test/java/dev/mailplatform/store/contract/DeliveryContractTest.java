package dev.mailplatform.store.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.Alias;
import dev.mailplatform.store.v1.CheckRecipientRequest;
import dev.mailplatform.store.v1.DeleteAliasRequest;
import dev.mailplatform.store.v1.DeliverRequest;
import dev.mailplatform.store.v1.DeliverResponse;
import dev.mailplatform.store.v1.DeliveryEnvelope;
import dev.mailplatform.store.v1.DeliveryServiceGrpc;
import dev.mailplatform.store.v1.DeliveryStatus;
import dev.mailplatform.store.v1.GetStatusRequest;
import dev.mailplatform.store.v1.ListAliasesRequest;
import dev.mailplatform.store.v1.RecipientResult;
import dev.mailplatform.store.v1.RecipientStatus;
import dev.mailplatform.store.v1.ResolveRules;
import dev.mailplatform.store.v1.SetAccountDisabledRequest;
import dev.mailplatform.store.v1.SetAliasRequest;
import dev.mailplatform.store.v1.UpdateAccountRequest;
import dev.mailplatform.testkit.StoreInfraResource;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** DeliveryService: recipient checks, one blob for all recipients with a result each, aliases, duplicates. */
@QuarkusTest
class DeliveryContractTest extends StoreContract {

    static final ResolveRules RULES = ResolveRules.newBuilder().setDetailSeparator("+").build();

    @GrpcClient("store")
    DeliveryServiceGrpc.DeliveryServiceBlockingStub delivery;

    @GrpcClient("store")
    io.grpc.Channel channel;

    /** Streams a delivery: the envelope (when given), then the message in 1000-byte chunks. */
    DeliverResponse deliver(DeliveryEnvelope envelope, byte[] message) throws Exception {
        CompletableFuture<DeliverResponse> done = new CompletableFuture<>();
        StreamObserver<DeliverRequest> call = DeliveryServiceGrpc.newStub(channel).deliver(new StreamObserver<>() {
            @Override
            public void onNext(DeliverResponse value) {
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
        if (envelope != null) {
            call.onNext(DeliverRequest.newBuilder().setEnvelope(envelope).build());
        }
        for (int i = 0; i < message.length; i += 1000) {
            call.onNext(DeliverRequest.newBuilder().setChunk(ByteString.copyFrom(message, i,
                    Math.min(1000, message.length - i))).build());
        }
        call.onCompleted();
        return done.get(30, TimeUnit.SECONDS);
    }

    static DeliveryEnvelope envelope(int duplicateWindow, String... recipients) {
        return DeliveryEnvelope.newBuilder().setMailFrom("sender@example.org").addAllRecipients(List.of(recipients))
                .setRules(RULES).setDuplicateWindowSeconds(duplicateWindow).build();
    }

    static String domainOf(Account a) {
        return a.getAddress().substring(a.getAddress().indexOf('@') + 1);
    }

    private static long count(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(StoreInfraResource.jdbcUrl(), StoreInfraResource.dbUser(),
                StoreInfraResource.dbPassword()); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    RecipientStatus check(String address, long size) {
        return delivery.checkRecipient(CheckRecipientRequest.newBuilder().setAddress(address).setRules(RULES)
                .setDeclaredSize(size).build()).getStatus();
    }

    @Test
    void oneBlobForAllRecipientsAndAResultEachInOrder() throws Exception {
        Account a = newAccount();
        Account b = newAccount();
        Account off = newAccount();
        accounts.setAccountDisabled(SetAccountDisabledRequest.newBuilder().setId(off.getId()).setDisabled(true).build());
        byte[] msg = TestMessages.simple("delivery " + System.nanoTime(), "to several");
        DeliverResponse r = deliver(envelope(0, a.getAddress(), "nobody@" + domainOf(a), off.getAddress(),
                b.getAddress().toUpperCase()), msg);
        List<RecipientResult> res = r.getResultsList();
        assertEquals(4, res.size());
        assertEquals(DeliveryStatus.DELIVERY_DELIVERED, res.get(0).getStatus());
        assertEquals(DeliveryStatus.DELIVERY_UNKNOWN, res.get(1).getStatus());
        assertEquals(DeliveryStatus.DELIVERY_DISABLED, res.get(2).getStatus());
        assertEquals(DeliveryStatus.DELIVERY_DELIVERED, res.get(3).getStatus());
        assertEquals("INBOX", res.get(3).getMailbox());
        assertEquals(msg.length, r.getSize());
        assertArrayEquals(msg, fetchAll(a, "INBOX", res.get(0).getUid()));
        assertArrayEquals(msg, fetchAll(b, "INBOX", res.get(3).getUid()));
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(msg));
        assertEquals(1, count("SELECT count(*) FROM blob WHERE hash = '" + hash + "'"));
        assertEquals(2, count("SELECT count(*) FROM message WHERE blob_hash = '" + hash + "'"));
    }

    @Test
    void theRcptCheckSaysWhyAndQuotaIsCheckedAgainAtDelivery() throws Exception {
        Account a = newAccount();
        Account off = newAccount();
        accounts.setAccountDisabled(SetAccountDisabledRequest.newBuilder().setId(off.getId()).setDisabled(true).build());
        accounts.updateAccount(UpdateAccountRequest.newBuilder().setId(a.getId()).setStorageLimit(5000)
                .setMessageLimit(1).build());
        assertEquals(RecipientStatus.RECIPIENT_DELIVERABLE, check(a.getAddress(), 1000));
        assertEquals(RecipientStatus.RECIPIENT_OVER_QUOTA, check(a.getAddress(), 6000), "the announced size");
        assertEquals(RecipientStatus.RECIPIENT_DISABLED, check(off.getAddress(), 0));
        assertEquals(RecipientStatus.RECIPIENT_UNKNOWN, check("nobody@" + domainOf(a), 0));
        assertEquals(RecipientStatus.RECIPIENT_UNKNOWN, check("not an address", 0));
        assertEquals(RecipientStatus.RECIPIENT_UNKNOWN, check("x@bad..domain", 0));
        byte[] first = TestMessages.simple("first " + System.nanoTime(), "fits");
        assertEquals(DeliveryStatus.DELIVERY_DELIVERED, deliver(envelope(0, a.getAddress()), first)
                .getResults(0).getStatus());
        assertEquals(RecipientStatus.RECIPIENT_OVER_QUOTA, check(a.getAddress(), 0), "the message count");
        byte[] second = TestMessages.simple("second " + System.nanoTime(), "does not fit");
        assertEquals(DeliveryStatus.DELIVERY_OVER_QUOTA, deliver(envelope(0, a.getAddress()), second)
                .getResults(0).getStatus());
        assertEquals(1, mailboxes.getStatus(GetStatusRequest.newBuilder().setMailbox(ref(a, "INBOX")).build())
                .getMessages());
    }

    @Test
    void aliasesAreManagedAndResolved() throws Exception {
        Account a = newAccount();
        String domain = domainOf(a);
        String other = "other-" + System.nanoTime() + ".example";
        Alias set = delivery.setAlias(SetAliasRequest.newBuilder().setSource("Sales@" + domain.toUpperCase())
                .setTarget(a.getAddress()).build());
        assertEquals("sales@" + domain, set.getSource());
        delivery.setAlias(SetAliasRequest.newBuilder().setSource("@" + other).setTarget("@" + domain).build());
        assertTrue(delivery.listAliases(ListAliasesRequest.getDefaultInstance()).getAliasesList().contains(set));
        assertEquals(RecipientStatus.RECIPIENT_DELIVERABLE, check("sales@" + domain, 0));
        assertEquals(RecipientStatus.RECIPIENT_DELIVERABLE, check("sales+x@" + domain, 0), "detail through an alias");
        String local = a.getAddress().substring(0, a.getAddress().indexOf('@'));
        assertEquals(RecipientStatus.RECIPIENT_DELIVERABLE, check(local + "@" + other, 0), "domain alias");
        assertEquals(RecipientStatus.RECIPIENT_UNKNOWN, check("nobody@" + other, 0));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> delivery.setAlias(SetAliasRequest.newBuilder()
                .setSource("x@" + domain).setTarget("@" + other).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> delivery.setAlias(SetAliasRequest.newBuilder()
                .setSource("@" + other).setTarget("@" + other).build()));
        assertTrue(delivery.deleteAlias(DeleteAliasRequest.newBuilder().setSource("sales@" + domain).build())
                .getDeleted());
        assertFalse(delivery.deleteAlias(DeleteAliasRequest.newBuilder().setSource("sales@" + domain).build())
                .getDeleted());
        assertEquals(RecipientStatus.RECIPIENT_UNKNOWN, check("sales@" + domain, 0));
    }

    @Test
    void aDuplicateWithinTheWindowIsAcknowledgedWithoutACopy() throws Exception {
        Account a = newAccount();
        byte[] msg = TestMessages.simple("dup " + System.nanoTime(), "twice");
        assertEquals(DeliveryStatus.DELIVERY_DELIVERED, deliver(envelope(600, a.getAddress()), msg)
                .getResults(0).getStatus());
        assertEquals(DeliveryStatus.DELIVERY_DUPLICATE, deliver(envelope(600, a.getAddress()), msg)
                .getResults(0).getStatus());
        // Without a window the same message is a new delivery.
        assertEquals(DeliveryStatus.DELIVERY_DELIVERED, deliver(envelope(0, a.getAddress()), msg)
                .getResults(0).getStatus());
        assertEquals(2, mailboxes.getStatus(GetStatusRequest.newBuilder().setMailbox(ref(a, "INBOX")).build())
                .getMessages());
    }

    @Test
    void malformedStreamsAreRefused() {
        Account a = newAccount();
        byte[] msg = TestMessages.simple("bad", "x");
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> unwrapped(() -> deliver(null, msg)));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> unwrapped(() -> deliver(envelope(0), msg)));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> unwrapped(() -> deliver(envelope(0, a.getAddress()),
                new byte[0])));
    }

    interface Call {
        Object run() throws Exception;
    }

    /** The gRPC failure a future wrapped, rethrown as is for assertStatus. */
    static void unwrapped(Call c) {
        try {
            c.run();
        } catch (java.util.concurrent.ExecutionException e) {
            throw (RuntimeException) e.getCause();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
