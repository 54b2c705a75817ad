package dev.mailplatform.imap.service;

import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.AccountServiceGrpc;
import dev.mailplatform.store.v1.CreateAccountRequest;
import dev.mailplatform.testkit.StoreServiceResource;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

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
    private static final AtomicInteger SEQ = new AtomicInteger();

    @GrpcClient("store")
    AccountServiceGrpc.AccountServiceBlockingStub accounts;

    Account newAccount() {
        int n = SEQ.incrementAndGet();
        String domain = "imap" + n + "-" + System.nanoTime() % 1000000 + ".example.test";
        return accounts.createAccount(CreateAccountRequest.newBuilder().setAddress("user" + n + "@" + domain)
                .setPassword(PASSWORD).setCreateDomain(true).build());
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
