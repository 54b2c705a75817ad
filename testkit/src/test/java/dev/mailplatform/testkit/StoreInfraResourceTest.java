package dev.mailplatform.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StoreInfraResourceTest {

    @Test
    void everyInstanceGetsTheSameServersAndTheConfigKeysTheStoreReads() throws Exception {
        StoreInfraResource first = new StoreInfraResource();
        Map<String, String> config = first.start();
        first.stop();
        Map<String, String> again = new StoreInfraResource().start();
        assertEquals(config, again, "one set of servers per JVM");
        assertEquals(java.util.Set.of("mail.db.url", "mail.db.user", "mail.db.password", "mail.s3.endpoint",
                "mail.s3.access-key", "mail.s3.secret-key", "mail.store.tls.ca", "mail.store.tls.certificate",
                "mail.store.tls.private-key", "quarkus.grpc.clients.store.ssl.trust-store",
                "quarkus.grpc.clients.store.ssl.certificate", "quarkus.grpc.clients.store.ssl.key"), config.keySet());
        // The store serves its certificate, the tests' client presents another one; both trust the same CA.
        assertEquals(config.get("mail.store.tls.ca"), config.get("quarkus.grpc.clients.store.ssl.trust-store"));
        assertTrue(!config.get("mail.store.tls.certificate").equals(
                config.get("quarkus.grpc.clients.store.ssl.certificate")));
        for (String key : new String[] {"mail.store.tls.ca", "mail.store.tls.private-key",
                "quarkus.grpc.clients.store.ssl.key"}) {
            assertTrue(java.nio.file.Files.isRegularFile(java.nio.file.Path.of(config.get(key))), key);
        }
        assertEquals(StoreInfraResource.jdbcUrl(), config.get("mail.db.url"));
        assertTrue(config.get("mail.s3.endpoint").startsWith("http://127.0.0.1:"));
        assertEquals("mail-local", StoreInfraResource.s3AccessKey());

        assertEquals(1, selectOne());
        // An unsigned ListBuckets is refused: the S3 API is there and checks credentials.
        assertEquals(403, s3Status());
    }

    @Test
    void outageHelpersTakeServersDownAndBackOnTheSamePort() throws Exception {
        String url = StoreInfraResource.jdbcUrl();
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("create table if not exists outage_marker (v int)");
            st.execute("insert into outage_marker values (7)");
        }
        StoreInfraResource.stopPostgres();
        assertThrows(SQLException.class, () -> connect().close());
        StoreInfraResource.startPostgres();
        assertEquals(url, StoreInfraResource.jdbcUrl());
        try (Connection c = connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select count(*) from outage_marker where v = 7")) {
            rs.next();
            assertTrue(rs.getInt(1) >= 1);
        }

        StoreInfraResource.stopS3();
        assertThrows(java.io.IOException.class, StoreInfraResourceTest::s3Status);
        StoreInfraResource.startS3();
        assertEquals(403, s3Status());
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(StoreInfraResource.jdbcUrl(), StoreInfraResource.dbUser(),
                StoreInfraResource.dbPassword());
    }

    private static int selectOne() throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static int s3Status() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(StoreInfraResource.s3Endpoint() + "/"))
                .timeout(Duration.ofSeconds(5)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
