package dev.mailplatform.store.domain;

/** Where an appended message went: its mailbox's UIDVALIDITY, its UID and modseq, its size and its email id. */
public record Appended(long uidvalidity, long uid, long modseq, long size, String emailId) {
}
