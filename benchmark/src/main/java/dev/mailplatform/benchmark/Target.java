package dev.mailplatform.benchmark;

import java.util.List;

/**
 * The server under load and how long to load it: users are userPattern/passwordPattern formatted with 1..users;
 * client c (0-based) uses only the users u with (u - 1) % clients == c, so each client knows what its mailboxes must
 * hold and no two clients fight over a POP3 lock.
 */
record Target(String host, int port, String userPattern, String passwordPattern, int users, int clients,
        int seconds, int messages, boolean seed, int idleConnections, List<Long> pids, long randomSeed,
        int timeoutMillis) {

    Target {
        if (users < clients) {
            throw new IllegalArgumentException("--users (" + users + ") must be at least --clients (" + clients
                    + "): each client has users of its own");
        }
        if (clients < 1 || seconds < 1) {
            throw new IllegalArgumentException("--clients and --seconds must be at least 1");
        }
    }

    String user(int u) {
        return String.format(userPattern, u);
    }

    String password(int u) {
        return String.format(passwordPattern, u);
    }
}
