package dev.mailplatform.store.grpc;

import dev.mailplatform.store.api.Chunks;
import dev.mailplatform.store.v1.CopyResponse;
import dev.mailplatform.store.v1.ExpungeResponse;
import dev.mailplatform.store.v1.MessageState;
import dev.mailplatform.store.v1.StoreFlagsResponse;
import dev.mailplatform.store.v1.UidMapping;
import io.smallrye.mutiny.Multi;
import java.util.ArrayList;
import java.util.List;

/**
 * The replies with one entry per message (StoreFlags, Copy, Move, Expunge) as a stream of chunks of at most 1 MiB of
 * entries, the scalars on the last ({@link Chunks} merges them).
 */
final class ReplyChunks {

    private ReplyChunks() {
    }

    static Multi<StoreFlagsResponse> of(StoreFlagsResponse whole) {
        List<List<MessageState>> updated = Chunks.split(whole.getUpdatedList(), MessageState::getSerializedSize);
        List<List<Integer>> failed = Chunks.split(whole.getFailedUidsList(), u -> 5);
        int n = Math.max(updated.size(), failed.size());
        List<StoreFlagsResponse> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            StoreFlagsResponse.Builder b = StoreFlagsResponse.newBuilder();
            if (i < updated.size()) {
                b.addAllUpdated(updated.get(i));
            }
            if (i < failed.size()) {
                b.addAllFailedUids(failed.get(i));
            }
            if (i == n - 1) {
                b.setHighestModseq(whole.getHighestModseq());
                if (whole.hasPreviousHighestModseq()) {
                    b.setPreviousHighestModseq(whole.getPreviousHighestModseq());
                }
            }
            out.add(b.build());
        }
        return Multi.createFrom().iterable(out);
    }

    static Multi<CopyResponse> of(CopyResponse whole) {
        List<List<UidMapping>> runs = Chunks.split(whole.getMappingsList(), UidMapping::getSerializedSize);
        List<CopyResponse> out = new ArrayList<>(runs.size());
        for (int i = 0; i < runs.size(); i++) {
            CopyResponse.Builder b = CopyResponse.newBuilder().addAllMappings(runs.get(i));
            if (i == runs.size() - 1) {
                b.setDestinationUidvalidity(whole.getDestinationUidvalidity())
                        .setSourceHighestModseq(whole.getSourceHighestModseq());
                if (whole.hasSourcePreviousHighestModseq()) {
                    b.setSourcePreviousHighestModseq(whole.getSourcePreviousHighestModseq());
                }
            }
            out.add(b.build());
        }
        return Multi.createFrom().iterable(out);
    }

    static Multi<ExpungeResponse> of(ExpungeResponse whole) {
        List<List<Integer>> runs = Chunks.split(whole.getExpungedUidsList(), u -> 5);
        List<ExpungeResponse> out = new ArrayList<>(runs.size());
        for (int i = 0; i < runs.size(); i++) {
            ExpungeResponse.Builder b = ExpungeResponse.newBuilder().addAllExpungedUids(runs.get(i));
            if (i == runs.size() - 1) {
                b.setHighestModseq(whole.getHighestModseq());
                if (whole.hasPreviousHighestModseq()) {
                    b.setPreviousHighestModseq(whole.getPreviousHighestModseq());
                }
            }
            out.add(b.build());
        }
        return Multi.createFrom().iterable(out);
    }
}
