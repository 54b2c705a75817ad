package dev.mailplatform.localplatform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Port checks on the loopback address. */
public final class Ports {

    private Ports() {
    }

    /**
     * A port that was free on 127.0.0.1 a moment ago. Another process may take it before the caller binds it; the
     * window is small enough for tests and the launcher, which fail loudly if it happens.
     */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on the loopback address", e);
        }
    }

    /** Whether nothing listens on 127.0.0.1:port (a listener on the wildcard address counts as taken). */
    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            // As servers bind: on Linux this ignores connections of a previous run still in TIME_WAIT, not listeners.
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
