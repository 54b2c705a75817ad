package dev.mailplatform.imap.service;

import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.AccountServiceGrpc;
import dev.mailplatform.testkit.StoreServiceResource;
import dev.mailplatform.testkit.StoreTestClient;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import java.io.IOException;

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

    static String crlf(String text) {
        return text.replace("\r\n", "\n").replace("\n", "\r\n");
    }
}
