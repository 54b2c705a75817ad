package dev.mailplatform.store.domain;

import java.util.List;

/** A message's flags as one UID carries them: the system flags' bits ({@link Flags}), its keywords, its modseq. */
public record MessageFlags(long uid, int systemFlags, List<String> keywords, long modseq) {
}
