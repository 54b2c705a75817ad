package dev.mailplatform.imap.service;

import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.AccountServiceGrpc;
import dev.mailplatform.testkit.StoreServiceResource;
import dev.mailplatform.testkit.StoreTestClient;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import java.io.IOException;
import java.util.List;

/**
 * Service tests run the IMAP front end against the real store-service (a child process on its own PostgreSQL and
 * s3proxy), over real sockets. Each test works in accounts of its own.
 */
@QuarkusTestResource(value = StoreServiceResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = TlsTestResource.class, restrictToAnnotatedClass = false)
abstract class ImapTestBase {

    static final int PORT = 18143;
    static final int TLS_PORT = 18993;
    static final String PASSWORD = "secret-password-1";

    @GrpcClient("store")
    AccountServiceGrpc.AccountServiceBlockingStub accounts;

    Account newAccount() {
        return StoreTestClient.newAccount(accounts, "user", PASSWORD);
    }

    ImapClient connect() throws IOException {
        ImapClient c = new ImapClient(PORT);
        String greeting = c.readLine();
        if (greeting == null || !greeting.startsWith("* OK")) {
            throw new IOException("bad greeting: " + greeting);
        }
        return c;
    }

    ImapClient login(Account a) throws IOException {
        ImapClient c = connect();
        c.ok("LOGIN " + a.getAddress() + " " + PASSWORD);
        return c;
    }

    /** APPEND of an ASCII message with a LITERAL+ literal; fails unless the reply is OK. */
    static void append(ImapClient c, String mailbox, String message) throws IOException {
        c.ok("APPEND " + mailbox + " {" + message.length() + "+}\r\n" + message);
    }

    /** The tagged line of a reply. */
    static String last(List<String> lines) {
        return lines.get(lines.size() - 1);
    }

    static String crlf(String text) {
        return text.replace("\r\n", "\n").replace("\n", "\r\n");
    }
}
