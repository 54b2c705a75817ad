package dev.mailplatform.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A TCP proxy on loopback for fault tests: it forwards every connection to a target, and {@link #cut()} breaks the
 * connections open at that moment (as a network fault or a killed peer would) while new ones are still accepted.
 * A thread per direction per connection: this is a test tool, not a server.
 */
public final class FaultProxy implements AutoCloseable {

    private final ServerSocket server;
    private final Supplier<InetSocketAddress> target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private volatile boolean stalled;
    private final AtomicLong fromTarget = new AtomicLong();

    private FaultProxy(Supplier<InetSocketAddress> target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "fault-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A proxy to a target looked up at each connection, so it may start before the target. */
    public static FaultProxy start(Supplier<InetSocketAddress> target) throws IOException {
        return new FaultProxy(target);
    }

    public int port() {
        return server.getLocalPort();
    }

    /**
     * Stops forwarding in both directions without closing anything, as a hung peer or a black-holed link would:
     * bytes wait in the proxy until {@link #resume()}.
     */
    public void stall() {
        stalled = true;
    }

    public void resume() {
        stalled = false;
    }

    /** How many bytes the proxy has forwarded from the target (e.g. what a front end pulled from the store). */
    public long bytesFromTarget() {
        return fromTarget.get();
    }

    /** Breaks every connection open now (both sides see a reset or end of stream). */
    public void cut() {
        for (Socket s : open) {
            try {
                s.setSoLinger(true, 0); // a reset, as when a peer dies or a middlebox drops the flow
            } catch (IOException e) {
                // closed already
            }
            closeQuietly(s);
        }
        open.clear();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket target = new Socket();
                try {
                    target.connect(this.target.get());
                } catch (IOException | RuntimeException e) {
                    closeQuietly(client);
                    closeQuietly(target);
                    continue;
                }
                open.add(client);
                open.add(target);
                pipe(client, target, null);
                pipe(target, client, fromTarget);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void pipe(Socket from, Socket to, AtomicLong counter) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    while (stalled && !closed && !from.isClosed()) {
                        Thread.sleep(20);
                    }
                    out.write(buf, 0, n);
                    if (counter != null) {
                        counter.addAndGet(n);
                    }
                }
            } catch (IOException e) {
                // cut, or the peer went away
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "fault-proxy-pipe");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // already closed
        }
        cut();
    }
}
