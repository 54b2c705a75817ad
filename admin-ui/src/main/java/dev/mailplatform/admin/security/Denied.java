package dev.mailplatform.admin.security;

/** Authenticated, but not allowed: 403 (a domain-admin outside its domains, a form without its CSRF token). */
public class Denied extends RuntimeException {
    public Denied(String message) {
        super(message);
    }
}
