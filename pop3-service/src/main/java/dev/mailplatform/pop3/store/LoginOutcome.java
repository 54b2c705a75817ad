package dev.mailplatform.pop3.store;

/** The store's answer to a POP3 login: the outcome, and the maildrop's snapshot (under a new lease) when it is OK. */
public record LoginOutcome(AuthOutcome auth, MaildropSnapshot snapshot) {
}
