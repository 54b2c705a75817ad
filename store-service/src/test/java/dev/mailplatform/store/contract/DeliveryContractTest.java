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
import dev.mailplatform.store.v1.GetQuotaRequest;
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
        // The stored message is the blob after this recipient's own Return-Path and Delivered-To lines.
        byte[] gotA = fetchAll(a, "INBOX", res.get(0).getUid());
        assertArrayEquals(msg, java.util.Arrays.copyOfRange(gotA, gotA.length - msg.length, gotA.length));
        byte[] gotB = fetchAll(b, "INBOX", res.get(3).getUid());
        assertArrayEquals(msg, java.util.Arrays.copyOfRange(gotB, gotB.length - msg.length, gotB.length));
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
        assertEquals(1, quotas.getQuota(GetQuotaRequest.newBuilder().setAccountId(a.getId()).build())
                .getMessagesUsed());
        assertEquals(2, mailboxes.getStatus(GetStatusRequest.newBuilder().setMailbox(ref(a, "INBOX")).build())
                .getMessages(), "the first message, and the quota warning it caused (a full mailbox: 95 %)");
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
    void simultaneousDeliveriesOfOneMessageToOneRecipientStoreOneCopy() throws Exception {
        Account a = newAccount();
        // One Message-ID; large enough (300 KB) that storing takes a while (the blob upload), so the deliveries overlap.
        byte[] msg = TestMessages.simple("race " + System.nanoTime(),
                "a line of the body that the deliveries race to store, sixty-four.\r\n".repeat(4700));
        int n = 8;
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(n);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        try {
            List<java.util.concurrent.Future<DeliverResponse>> calls = new java.util.ArrayList<>();
            for (int t = 0; t < n; t++) {
                calls.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    return deliver(envelope(600, a.getAddress()), msg);
                }));
            }
            int delivered = 0;
            for (var call : calls) {
                DeliveryStatus s = call.get(60, TimeUnit.SECONDS).getResults(0).getStatus();
                assertTrue(s == DeliveryStatus.DELIVERY_DELIVERED || s == DeliveryStatus.DELIVERY_DUPLICATE,
                        "every delivery succeeds: " + s);
                if (s == DeliveryStatus.DELIVERY_DELIVERED) {
                    delivered++;
                }
            }
            assertEquals(1, delivered, "exactly one of the simultaneous deliveries stored the message");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, mailboxes.getStatus(GetStatusRequest.newBuilder().setMailbox(ref(a, "INBOX")).build())
                .getMessages(), "one copy in the INBOX");
        assertEquals(1, count("SELECT count(*) FROM message m JOIN mailbox b ON b.id = m.mailbox_id "
                + "WHERE b.account_id = " + a.getId()), "one message row for the account");
    }

    @Test
    void aDeliveryRefusedForQuotaLeavesNoDuplicateMark() throws Exception {
        Account a = newAccount();
        accounts.updateAccount(UpdateAccountRequest.newBuilder().setId(a.getId()).setStorageLimit(100).build());
        byte[] msg = TestMessages.simple("refused " + System.nanoTime(), "does not fit yet");
        assertEquals(DeliveryStatus.DELIVERY_OVER_QUOTA, deliver(envelope(600, a.getAddress()), msg)
                .getResults(0).getStatus());
        accounts.updateAccount(UpdateAccountRequest.newBuilder().setId(a.getId()).setClearStorageLimit(true).build());
        // The MTA tries again once there is room: a new delivery, not a duplicate of the refused one.
        assertEquals(DeliveryStatus.DELIVERY_DELIVERED, deliver(envelope(600, a.getAddress()), msg)
                .getResults(0).getStatus());
        assertEquals(DeliveryStatus.DELIVERY_DUPLICATE, deliver(envelope(600, a.getAddress()), msg)
                .getResults(0).getStatus());
        assertEquals(1, mailboxes.getStatus(GetStatusRequest.newBuilder().setMailbox(ref(a, "INBOX")).build())
                .getMessages());
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    static int indexOf(byte[] hay, String needle) {
        return new String(hay, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf(needle);
    }

    @Test
    void theHeaderPrefixIsServedConsistentlyByEveryContentPath() throws Exception {
        Account a = newAccount();
        Account b = newAccount();
        byte[] msg = TestMessages.withAttachment("prefixed " + System.nanoTime(), "text part", 3000, 7);
        DeliverResponse r = deliver(envelope(0, a.getAddress(), b.getAddress()), msg);
        int uid = r.getResults(0).getUid();
        byte[] prefix = ("Return-Path: <sender@example.org>\r\nDelivered-To: " + a.getAddress() + "\r\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] expected = concat(prefix, msg);
        int p = prefix.length;
        int headerEnd = indexOf(msg, "\r\n\r\n") + 4;
        // BODY[] (IMAP) and its size, RFC822.SIZE, the mailbox and quota figures: the prefix is part of the message.
        assertArrayEquals(expected, fetchAll(a, "INBOX", uid));
        var first = messages.fetchContent(dev.mailplatform.store.v1.FetchContentRequest.newBuilder()
                .setMailbox(ref(a, "INBOX")).setUid(uid).setSection(part(dev.mailplatform.store.v1.SectionKind.SECTION_FULL))
                .build()).next();
        assertEquals(expected.length, first.getSectionSize());
        var meta = messages.fetchMetadata(dev.mailplatform.store.v1.FetchMetadataRequest.newBuilder()
                .setMailbox(ref(a, "INBOX")).setUids(all()).setSize(true).addHeaderFields("Delivered-To")
                .addHeaderFields("Subject").build()).next().getMessages(0);
        assertEquals(expected.length, meta.getSize());
        String fields = meta.getHeaderFields().toStringUtf8();
        assertTrue(fields.startsWith("Delivered-To: " + a.getAddress() + "\r\nSubject: prefixed "), fields);
        assertEquals(expected.length, mailboxes.getStatus(GetStatusRequest.newBuilder().setMailbox(ref(a, "INBOX"))
                .build()).getSize());
        assertEquals(expected.length, quotas.getQuota(dev.mailplatform.store.v1.GetQuotaRequest.newBuilder()
                .setAccountId(a.getId()).build()).getStorageUsed());
        // BODY[HEADER], BODY[TEXT], HEADER.FIELDS through the content path, a part: sizes and bytes agree.
        assertArrayEquals(java.util.Arrays.copyOf(expected, p + headerEnd),
                fetch(a, "INBOX", uid, part(dev.mailplatform.store.v1.SectionKind.SECTION_HEADER), 0, 0));
        assertArrayEquals(java.util.Arrays.copyOfRange(msg, headerEnd, msg.length),
                fetch(a, "INBOX", uid, part(dev.mailplatform.store.v1.SectionKind.SECTION_TEXT), 0, 0));
        byte[] rp = fetch(a, "INBOX", uid, dev.mailplatform.store.v1.Section.newBuilder()
                .setKind(dev.mailplatform.store.v1.SectionKind.SECTION_HEADER_FIELDS).addFields("Return-Path").build(),
                0, 0);
        assertEquals("Return-Path: <sender@example.org>\r\n\r\n", new String(rp, java.nio.charset.StandardCharsets.US_ASCII));
        byte[] part1 = fetch(a, "INBOX", uid, part(dev.mailplatform.store.v1.SectionKind.SECTION_PART, 1), 0, 0);
        assertTrue(part1.length > 0 && indexOf(msg, new String(part1, java.nio.charset.StandardCharsets.ISO_8859_1)) > 0,
                "BODY[1] is the blob's bytes, unshifted");
        // Partial fetches inside the prefix, across its end, and past it.
        for (int[] range : new int[][] {{0, 10}, {p - 5, 20}, {p, 30}, {p + 100, 50}, {expected.length - 3, 10}}) {
            int end = Math.min(expected.length, range[0] + range[1]);
            assertArrayEquals(java.util.Arrays.copyOfRange(expected, range[0], end),
                    fetch(a, "INBOX", uid, part(dev.mailplatform.store.v1.SectionKind.SECTION_FULL), range[0], range[1]),
                    "BODY[]<" + range[0] + "." + range[1] + ">");
        }
        // FetchMessages (POP3 RETR): the same bytes and the size it announces.
        var it = messages.fetchMessages(dev.mailplatform.store.v1.FetchMessagesRequest.newBuilder()
                .setMailbox(ref(a, "INBOX")).addUids(uid).build());
        java.io.ByteArrayOutputStream retr = new java.io.ByteArrayOutputStream();
        long announced = -1;
        while (it.hasNext()) {
            var part = it.next();
            if (announced < 0) {
                announced = part.getSize();
            }
            retr.writeBytes(part.getData().toByteArray());
        }
        assertEquals(expected.length, announced);
        assertArrayEquals(expected, retr.toByteArray());
        // The other recipient has its own Delivered-To over the same single blob; a copy keeps the prefix.
        byte[] forB = fetchAll(b, "INBOX", r.getResults(1).getUid());
        assertTrue(new String(forB, java.nio.charset.StandardCharsets.ISO_8859_1)
                .startsWith("Return-Path: <sender@example.org>\r\nDelivered-To: " + b.getAddress() + "\r\n"));
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(msg));
        assertEquals(1, count("SELECT count(*) FROM blob WHERE hash = '" + hash + "'"));
        int copied = copy(dev.mailplatform.store.v1.CopyRequest.newBuilder().setSource(ref(a, "INBOX"))
                .setUids(uids(uid, uid)).setDestination("Trash").build()).getMappings(0).getDestinationUid();
        assertArrayEquals(expected, fetchAll(a, "Trash", copied));
        assertEquals(2L * expected.length, quotas.getQuota(dev.mailplatform.store.v1.GetQuotaRequest.newBuilder()
                .setAccountId(a.getId()).build()).getStorageUsed());
    }

    @Test
    void envelopeAddressesCannotInjectHeaderLines() {
        Account a = newAccount();
        byte[] msg = TestMessages.simple("inject", "x");
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> unwrapped(() -> deliver(DeliveryEnvelope.newBuilder()
                .setMailFrom("x@y.example>\r\nX-Evil: 1").addRecipients(a.getAddress()).build(), msg)));
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
