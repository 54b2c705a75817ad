package dev.mailplatform.store.domain;

/** What a flag change does with the flags given: add them, remove them, or make them the message's flags. */
public enum FlagsMode {
    ADD, REMOVE, REPLACE
}
