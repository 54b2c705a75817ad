package dev.mailplatform.admin.security;

/** No valid session or token: 401 for the API, the login page for the console. */
public class Unauthenticated extends RuntimeException {
    public Unauthenticated(String message) {
        super(message);
    }
}
