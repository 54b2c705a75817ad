package dev.mailplatform.store.grpc;

import com.google.protobuf.ByteString;
import dev.mailplatform.store.blob.BlobStore;
import dev.mailplatform.store.change.ChangeBus;
import dev.mailplatform.store.config.StoreConfig;
import dev.mailplatform.store.domain.AppendSpec;
import dev.mailplatform.store.domain.CallBudget;
import dev.mailplatform.store.domain.ContentPlanner;
import dev.mailplatform.store.domain.ContentRequest;
import dev.mailplatform.store.domain.Copied;
import dev.mailplatform.store.domain.CopyMove;
import dev.mailplatform.store.domain.Expunges;
import dev.mailplatform.store.domain.FlagUpdates;
import dev.mailplatform.store.domain.MessageAppends;
import dev.mailplatform.store.domain.MessageFlags;
import dev.mailplatform.store.domain.MailboxStore;
import dev.mailplatform.store.domain.MessageReads;
import dev.mailplatform.store.domain.MessageSearch;
import dev.mailplatform.store.domain.MetadataQuery;
import dev.mailplatform.store.domain.SelectedMailbox;
import dev.mailplatform.store.domain.PrefixedContent;
import dev.mailplatform.store.domain.Spool;
import dev.mailplatform.store.domain.UidSets;
import dev.mailplatform.store.error.StoreException;
import dev.mailplatform.store.v1.AppendRequest;
import dev.mailplatform.store.v1.AppendResponse;
import dev.mailplatform.store.v1.ChangeEvent;
import dev.mailplatform.store.v1.CopyRequest;
import dev.mailplatform.store.v1.CopyResponse;
import dev.mailplatform.store.v1.ExpungeRequest;
import dev.mailplatform.store.v1.ExpungeResponse;
import dev.mailplatform.store.v1.FetchContentRequest;
import dev.mailplatform.store.v1.FetchContentResponse;
import dev.mailplatform.store.v1.FetchMessagesRequest;
import dev.mailplatform.store.v1.FetchMessagesResponse;
import dev.mailplatform.store.v1.FetchMetadataRequest;
import dev.mailplatform.store.v1.FetchMetadataResponse;
import dev.mailplatform.store.v1.GetChangesRequest;
import dev.mailplatform.store.v1.GetChangesResponse;
import dev.mailplatform.store.v1.MessageMetadata;
import dev.mailplatform.store.v1.MessageService;
import dev.mailplatform.store.v1.MessageState;
import dev.mailplatform.store.v1.MessageStateBatch;
import dev.mailplatform.store.v1.SearchRequest;
import dev.mailplatform.store.v1.SearchResponse;
import dev.mailplatform.store.v1.SelectHeader;
import dev.mailplatform.store.v1.SelectRequest;
import dev.mailplatform.store.v1.SelectResponse;
import dev.mailplatform.store.v1.StoreFlagsRequest;
import dev.mailplatform.store.v1.StoreFlagsResponse;
import dev.mailplatform.store.v1.WatchRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * MessageService: requests mapped to domain calls ({@link RequestProtos}, {@link SearchProtos}), results to replies
 * ({@link MessageProtos}, {@link ReplyChunks}). Over 350 lines because the streaming calls keep their cursors here
 * (FetchContent's and FetchMessages' reads from S3, one chunk per demand, and the append's spool), next to the calls
 * that drive them.
 */
@GrpcService
public class MessageGrpc implements MessageService {

    private static final int CHUNK = 64 * 1024;

    private final MessageReads reads;
    private final ContentPlanner content;
    private final MessageAppends appends;
    private final FlagUpdates flags;
    private final CopyMove copies;
    private final Expunges expunges;
    private final MessageSearch searches;
    private final BlobStore blobs;
    private final ChangeBus changes;
    private final int batch;
    // Transport measures, so here: an APPEND's time from its first request message to its reply (the upload
    // included), and the bytes FETCH streamed out. What the domain did (bytes stored, groups committed, lease
    // conflicts, logins) is counted where it happens.
    private final Timer appendTimer;
    private final Counter contentBytes;

    public MessageGrpc(MessageReads reads, ContentPlanner content, MessageAppends appends, FlagUpdates flags,
            CopyMove copies, Expunges expunges, MessageSearch searches, BlobStore blobs, ChangeBus changes,
            StoreConfig config, MeterRegistry registry) {
        this.reads = reads;
        this.content = content;
        this.appends = appends;
        this.flags = flags;
        this.copies = copies;
        this.expunges = expunges;
        this.searches = searches;
        this.blobs = blobs;
        this.changes = changes;
        this.batch = config.store().streamBatchSize();
        this.appendTimer = registry.timer("mail.store.append");
        this.contentBytes = registry.counter("mail.store.content.bytes");
    }

    /**
     * The header, then the first batch read in the same trip to the worker pool. When that batch is the whole mailbox
     * and the mailbox's modseq is still the header's after it (every change to a mailbox moves its modseq, and
     * appends are above the header's UIDNEXT), header and batch are one state: the header says {@code complete}, and
     * the front end needs no GetChanges for them.
     */
    @Override
    public Multi<SelectResponse> select(SelectRequest r) {
        Readiness ready = Readiness.current();
        record First(SelectHeader header, List<MessageState> page) {
        }
        return Offload.call(() -> {
            SelectedMailbox m = reads.selectHeader(RequestProtos.mailbox(r.getMailbox()), r.getClaimRecent());
            MessageReads.StatePage first = reads.statePageAndModseq(m.mailboxId(), 0, m.uidnext(), batch);
            List<MessageState> page = MessageProtos.states(first.page());
            boolean complete = page.size() < batch && first.highestModseq() == m.highestModseq();
            return new First(MessageProtos.selected(m, complete), page);
        }).onItem().transformToMulti(f -> {
            long before = Integer.toUnsignedLong(f.header().getUidnext());
            Multi<SelectResponse> rest = Offload.uidPagesAfter(ready, f.page(),
                    (after, n) -> MessageProtos.states(reads.statePage(f.header().getMailboxId(), after, before, n)),
                    s -> Offload.uid(s.getUid()), batch).map(p -> SelectResponse.newBuilder().setBatch(MessageStateBatch.newBuilder().addAllMessages(p)).build());
            return Multi.createBy().concatenating()
                    .streams(Multi.createFrom().item(SelectResponse.newBuilder().setHeader(f.header()).build()), rest);
        });
    }

    @Override
    public Multi<FetchMetadataResponse> fetchMetadata(FetchMetadataRequest r) {
        boolean heavy = r.getEnvelope() || r.getBodyStructure() || r.getHeaderFieldsCount() > 0;
        int size = heavy ? Math.max(1, batch / 10) : batch;
        Readiness ready = Readiness.current();
        record Query(long mailboxId, MetadataQuery items, List<MessageMetadata> first) {
        }
        return Offload.call(() -> {
            MetadataQuery items = RequestProtos.metadata(r);
            UidSets.validate(items.uids());
            // The first page in the same trip to the worker pool and statement as the mailbox's lookup: most
            // FETCHes name a few messages.
            MessageReads.FirstMetadataPage first = reads.firstMetadataPage(RequestProtos.mailbox(r.getMailbox()),
                    items, size);
            return new Query(first.mailboxId(), items, MessageProtos.metadata(first.page()));
        }).onItem().transformToMulti(q -> Offload.uidPagesAfter(ready, q.first(),
                (after, n) -> MessageProtos.metadata(reads.metadataPage(q.mailboxId(), q.items(), after, n)),
                m -> Offload.uid(m.getUid()), size)).map(p -> FetchMetadataResponse.newBuilder().addAllMessages(p).build());
    }

    /** Reads the planned byte range from S3 in chunks, one chunk per client demand. */
    private static final class ContentCursor {
        ContentPlanner.ContentPlan plan;
        final BlobSource source = new BlobSource();
        long remaining;
        FetchContentResponse single;
        boolean first = true;
    }

    @Override
    public Multi<FetchContentResponse> fetchContent(FetchContentRequest r) {
        ContentCursor cur = new ContentCursor();
        Readiness ready = Readiness.current();
        return Offload.call(() -> {
            ContentRequest req = RequestProtos.content(r);
            ContentPlanner.ContentPlan plan = req.setSeen() ? content.planContent(req) : content.planRead(req);
            cur.plan = plan;
            cur.remaining = plan.length();
            if (plan.inline() == null && plan.length() > 0 && plan.length() <= CHUNK) {
                // Most messages fit one chunk: read it in this worker hop and answer with one response, rather than
                // a hop per page and one more to find the end.
                cur.single = nextContent(cur).get(0);
                if (cur.remaining != 0) {
                    throw new StoreException(StoreException.Kind.UNAVAILABLE, "object storage returned a short read");
                }
            }
            return plan;
        }).onItem().transformToMulti(plan -> {
            if (cur.single != null) {
                return Multi.createFrom().item(List.of(cur.single));
            }
            return Offload.<ContentCursor, FetchContentResponse>pages(ready, () -> cur, MessageGrpc.this::nextContent);
        }).onItem().transformToIterable(l -> l).onTermination().invoke(cur.source::cancel);
    }

    /** The next response of a FetchContent stream; an empty list at the end. Runs on a worker thread. */
    private List<FetchContentResponse> nextContent(ContentCursor c) {
        FetchContentResponse.Builder b = FetchContentResponse.newBuilder();
        if (c.first) {
            b.setSectionSize(c.plan.sectionSize());
            if (c.plan.newState() != null) {
                b.setNewState(MessageProtos.state(c.plan.newState()));
            }
        }
        if (c.plan.inline() != null) {
            if (!c.first) {
                return List.of();
            }
            c.first = false;
            return List.of(b.setData(ByteString.copyFrom(c.plan.inline())).build());
        }
        if (c.remaining == 0) {
            if (c.first) {
                c.first = false;
                return List.of(b.build());
            }
            return List.of();
        }
        byte[] buf = new byte[(int) Math.min(CHUNK, c.remaining)];
        int n;
        try {
            n = c.source.read(() -> PrefixedContent.open(blobs, c.plan.hash(), c.plan.blobSize(), c.plan.prefix(),
                    c.plan.offset(), c.plan.length()), buf, buf.length);
        } catch (IOException e) {
            if (c.source.isCancelled()) {
                return List.of(); // cancelled (TOP has its lines, the client left): not a storage failure
            }
            throw new StoreException(StoreException.Kind.UNAVAILABLE, "object storage read failed");
        }
        if (n < 0 || c.source.isCancelled()) {
            return List.of();
        }
        if (n == 0) {
            throw new StoreException(StoreException.Kind.UNAVAILABLE, "object storage returned a short read");
        }
        c.remaining -= n;
        c.first = false;
        contentBytes.increment(n);
        return List.of(b.setData(ByteString.copyFrom(buf, 0, n)).build());
    }

    /** Where a FetchMessages stream is: the next UID, and the rest of the current message's bytes. */
    private static final class MessagesCursor {
        List<Integer> uids;
        java.util.Map<Long, ContentPlanner.MessageBlob> blobs;
        int next;
        final BlobSource source = new BlobSource();
        long remaining;
    }

    @Override
    public Multi<FetchMessagesResponse> fetchMessages(FetchMessagesRequest r) {
        MessagesCursor cur = new MessagesCursor();
        Readiness ready = Readiness.current();
        return Offload.call(() -> {
            cur.uids = r.getUidsList();
            cur.blobs = content.planMessages(RequestProtos.mailbox(r.getMailbox()), RequestProtos.uidList(cur.uids));
            return cur;
        }).onItem().transformToMulti(c -> Offload.pages(ready, () -> c, this::nextMessages))
                .onItem().transformToIterable(l -> l).onTermination().invoke(cur.source::cancel);
    }

    /**
     * The next responses of a FetchMessages stream, about one chunk's worth of bytes (several small messages, or a
     * piece of a large one) per worker hop; an empty list at the end. Runs on a worker thread.
     */
    private List<FetchMessagesResponse> nextMessages(MessagesCursor c) {
        List<FetchMessagesResponse> out = new ArrayList<>();
        int bytes = 0;
        while (bytes < CHUNK) {
            FetchMessagesResponse.Builder b = FetchMessagesResponse.newBuilder();
            ContentPlanner.MessageBlob blob;
            if (!c.source.isOpen()) {
                if (c.next >= c.uids.size()) {
                    break;
                }
                int uid = c.uids.get(c.next);
                blob = c.blobs.get(Integer.toUnsignedLong(uid));
                b.setUid(uid);
                if (blob == null) {
                    out.add(b.setGone(true).setLast(true).build());
                    c.next++;
                    continue;
                }
                b.setSize(blob.size());
                c.remaining = blob.size();
            } else {
                blob = c.blobs.get(Integer.toUnsignedLong(c.uids.get(c.next)));
                b.setUid(c.uids.get(c.next));
            }
            byte[] buf = new byte[(int) Math.min(CHUNK - bytes, c.remaining)];
            int n;
            try {
                n = c.source.read(() -> PrefixedContent.open(blobs, blob.hash(), blob.blobSize(), blob.prefix(), 0,
                        blob.size()), buf, buf.length);
            } catch (IOException e) {
                if (c.source.isCancelled()) {
                    return List.of();
                }
                throw new StoreException(StoreException.Kind.UNAVAILABLE, "object storage read failed");
            }
            if (n < 0 || c.source.isCancelled()) {
                return List.of();
            }
            if (n < buf.length) {
                throw new StoreException(StoreException.Kind.UNAVAILABLE, "object storage returned a short read");
            }
            c.remaining -= n;
            bytes += n;
            contentBytes.increment(n);
            b.setData(ByteString.copyFrom(buf, 0, n));
            if (c.remaining == 0) {
                b.setLast(true);
                c.source.finish();
                c.next++;
            }
            out.add(b.build());
        }
        return out;
    }

    /** Collects the client stream into a spool on a worker thread, then runs the append transaction. */
    private final class AppendState {
        MessageAppends.AppendTarget target;
        Spool spool;
        final long started = System.nanoTime();

        void accept(AppendRequest req) {
            if (target == null) {
                if (!req.hasHeader()) {
                    throw StoreException.invalid("the first append request must carry the header");
                }
                AppendSpec header = RequestProtos.append(req.getHeader());
                target = appends.validateAppend(header);
                spool = appends.newSpool(header);
                return;
            }
            if (req.hasHeader()) {
                throw StoreException.invalid("only the first append request may carry a header");
            }
            spool.write(req.getChunk().asReadOnlyByteBuffer());
        }

        void close() {
            if (spool != null) {
                spool.close();
            }
        }
    }

    @Override
    public Uni<AppendResponse> append(Multi<AppendRequest> requests) {
        AppendState st = new AppendState();
        // emitOn also delivers the end of the stream on a worker, so the append runs there without one more hop.
        return requests.emitOn(Infrastructure.getDefaultWorkerPool())
                .onItem().invoke(st::accept)
                .collect().last()
                .map(last -> {
                    if (st.target == null) {
                        throw StoreException.invalid("append stream carried no header");
                    }
                    AppendResponse resp = MessageProtos.appended(appends.append(st.target, st.spool));
                    appendTimer.record(System.nanoTime() - st.started, java.util.concurrent.TimeUnit.NANOSECONDS);
                    return resp;
                })
                .onFailure().transform(GrpcErrors::map)
                .onTermination().invoke(st::close);
    }

    @Override
    public Multi<StoreFlagsResponse> storeFlags(StoreFlagsRequest r) {
        return Offload.call(() -> MessageProtos.flagsStored(flags.storeFlags(RequestProtos.mailbox(r.getMailbox()),
                RequestProtos.uids(r.getUids()), RequestProtos.mode(r.getMode()), r.getFlags().getSystem(),
                r.getFlags().getKeywordsList(), r.getUnchangedSince()))).onItem().transformToMulti(ReplyChunks::of);
    }

    @Override
    public Multi<CopyResponse> copy(CopyRequest r) {
        return Offload.call(() -> MessageProtos.copied(copy(r, false))).onItem().transformToMulti(ReplyChunks::of);
    }

    @Override
    public Multi<CopyResponse> move(CopyRequest r) {
        return Offload.call(() -> MessageProtos.copied(copy(r, true))).onItem().transformToMulti(ReplyChunks::of);
    }

    private Copied copy(CopyRequest r, boolean move) {
        return copies.copy(RequestProtos.mailbox(r.getSource()), RequestProtos.uids(r.getUids()), r.getDestination(),
                move);
    }

    @Override
    public Multi<ExpungeResponse> expunge(ExpungeRequest r) {
        return Offload.call(() -> MessageProtos.expunged(expunges.expunge(RequestProtos.mailbox(r.getMailbox()),
                r.hasUids() ? RequestProtos.uids(r.getUids()) : null))).onItem().transformToMulti(ReplyChunks::of);
    }

    @Override
    public Multi<SearchResponse> search(SearchRequest r) {
        return Offload.call(CallBudget.Kind.SEARCH, () -> searches.search(RequestProtos.mailbox(r.getMailbox()),
                SearchProtos.criteria(r.getCriteria()))).onItem().transformToMulti(res -> {
            List<SearchResponse> out = new ArrayList<>();
            long[] uids = res.uids();
            for (int i = 0; i < uids.length || out.isEmpty(); i += batch) {
                SearchResponse.Builder b = SearchResponse.newBuilder();
                for (int j = i; j < Math.min(uids.length, i + batch); j++) {
                    b.addUids((int) uids[j]);
                }
                if (i + batch >= uids.length) {
                    b.setHighestModseq(res.highestModseq());
                }
                out.add(b.build());
            }
            return Multi.createFrom().iterable(out);
        });
    }

    @Override
    public Multi<GetChangesResponse> getChanges(GetChangesRequest r) {
        Readiness ready = Readiness.current();
        record Head(MailboxStore.Row mb, MessageReads.RecentClaim recent, List<MessageFlags> changed,
                List<Long> vanished) {
        }
        return Offload.call(() -> {
            MailboxStore.Row mb = reads.mailbox(RequestProtos.mailbox(r.getMailbox()));
            MessageReads.RecentClaim recent = r.getClaimRecent() ? reads.claimRecent(mb.id()) : null;
            // The first page of each list, read in the same trip to the worker pool: a session's sync usually finds
            // a few rows, and then the whole answer is one response, not a head and a page or two, each read on a
            // trip of its own and written as a message of its own.
            List<MessageFlags> changed = reads.changedPage(mb.id(), r.getSinceModseq(), mb.highestModseq(), 0, batch);
            List<Long> vanished = !r.getIncludeVanished() ? List.of()
                    : reads.vanishedPage(mb.id(), r.getSinceModseq(), mb.highestModseq(), 0, batch);
            return new Head(mb, recent, changed, vanished);
        }).onItem().transformToMulti(h -> {
            MailboxStore.Row mb = h.mb();
            GetChangesResponse.Builder first = GetChangesResponse.newBuilder().setHighestModseq(mb.highestModseq())
                    .setUidnext((int) mb.uidnext()).setMessages(mb.messages());
            if (h.recent() != null && !h.recent().isEmpty()) {
                first.setRecentFromUid((int) h.recent().from()).setRecentThroughUid((int) h.recent().through());
            }
            if (h.changed().size() < batch && h.vanished().size() < batch) {
                // Both lists are complete (a short page is the last one): head and lists in one response.
                first.addAllChanged(MessageProtos.states(h.changed()));
                h.vanished().forEach(u -> first.addVanished(u.intValue()));
                return Multi.createFrom().item(first.build());
            }
            // A long list: stream it page by page as the transport takes them, from the start again (the pages are
            // bounded by the head's modseq, so they read the same snapshot).
            GetChangesResponse head = first.build();
            Multi<GetChangesResponse> changed = Offload.uidPages(ready,
                    (after, n) -> MessageProtos.states(reads.changedPage(mb.id(), r.getSinceModseq(), mb.highestModseq(),
                            after, n)),
                    s -> Offload.uid(s.getUid()), batch).map(p -> GetChangesResponse.newBuilder().addAllChanged(p).build());
            Multi<GetChangesResponse> vanished = !r.getIncludeVanished() ? Multi.createFrom().empty()
                    : Offload.uidPages(ready, (after, n) -> reads.vanishedPage(mb.id(), r.getSinceModseq(),
                            mb.highestModseq(), after, n),
                            Long::longValue, batch).map(p -> {
                        GetChangesResponse.Builder b = GetChangesResponse.newBuilder();
                        p.forEach(u -> b.addVanished(u.intValue()));
                        return b.build();
                    });
            return Multi.createBy().concatenating().streams(Multi.createFrom().item(head), changed, vanished);
        });
    }

    @Override
    public Multi<ChangeEvent> watch(WatchRequest r) {
        // One emitter, no operator chain: a cancel that reached an established stream through
        // Uni.runSubscriptionOn(...).transformToMulti(...) was lost about once in 150 calls, and the stream then
        // stayed registered for ever.
        Readiness ready = Readiness.current();
        return ChangeBus.<ChangeEvent>stream(emitter -> Infrastructure.getDefaultWorkerPool().execute(() -> {
            try {
                reads.requireAccount(r.getAccountId());
            } catch (RuntimeException e) {
                emitter.fail(GrpcErrors.map(e));
                return;
            }
            changes.attach(r.getAccountId(), emitter, MailboxProtos::event, ready::isReady);
        }));
    }
}
