package dev.mailplatform.localplatform;

import com.sun.net.httpserver.HttpServer;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;

/**
 * A stand-in for a Quarkus service in launcher tests: it only has the contract the launcher relies on (HTTP port
 * from QUARKUS_HTTP_PORT, /q/health/ready, stops on SIGTERM). It is not a fake of the store; nothing talks to it.
 *
 * <p>STUB_MODE: ok (default), die (exits 3 at once), never-ready (answers 503), stubborn (ignores SIGTERM).
 */
public final class ServiceStub {

    public static void main(String[] args) throws Exception {
        String mode = System.getenv().getOrDefault("STUB_MODE", "ok");
        Map<String, String> mail = new TreeMap<>();
        System.getenv().forEach((k, v) -> {
            if (k.startsWith("MAIL_") || k.startsWith("QUARKUS_") || k.startsWith("MALLOC_")) {
                mail.put(k, v);
            }
        });
        mail.forEach((k, v) -> System.out.println("env " + k + "=" + v));
        System.out.println("jvm " + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        if (mode.equals("die")) {
            System.out.println("stub failing on purpose");
            System.exit(3);
        }
        if (mode.equals("stubborn")) {
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), sig -> System.out.println("stub ignores SIGTERM"));
        }
        int port = Integer.parseInt(System.getenv("QUARKUS_HTTP_PORT"));
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/q/health/ready", exchange -> {
            int status = mode.equals("never-ready") ? 503 : 200;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        System.out.println("stub listening on " + port);
        CountDownLatch forever = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("stub stopping")));
        forever.await();
    }
}
