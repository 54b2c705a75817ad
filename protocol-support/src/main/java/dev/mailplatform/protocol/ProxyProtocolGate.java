package dev.mailplatform.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.NetSocketInternal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Where a front end's connections come in when proxies may forward them (HAProxy PROXY protocol v1 and v2, as
 * Dovecot's {@code haproxy_trusted_networks}). A connection from a trusted proxy must start with a valid header within
 * the timeout, or it is closed without a greeting; its client is then the header's source address. A connection from
 * anyone else is served as it is, and a header it sends is not interpreted. The header is read below Vert.x, before
 * the session (and, on an implicit-TLS port, before the handshake); bytes that follow it in the same packet go on to
 * the session or the TLS handshake. With no trusted proxy configured nothing changes: the session starts at once.
 */
public final class ProxyProtocolGate {

    private static final System.Logger LOG = System.getLogger(ProxyProtocolGate.class.getName());

    private final TrustedProxies trusted;
    private final Duration timeout;

    public ProxyProtocolGate(TrustedProxies trusted, Duration timeout) {
        this.trusted = trusted;
        this.timeout = timeout;
    }

    public boolean enabled() {
        return !trusted.isEmpty();
    }

    /**
     * The options of an implicit-TLS listener. Vert.x does the handshake itself unless proxies are trusted: their
     * header comes before the handshake, so the gate starts TLS once it has read it.
     */
    public NetServerOptions implicitTlsOptions(TlsSettings tls) {
        return TlsMaterial.serverOptions(tls, !enabled());
    }

    /**
     * Hands {@code socket} to {@code session} with the client's address: at once, or once a trusted proxy's header is
     * read. {@code implicitTls}: the listener is an implicit-TLS port, so TLS is up before {@code session} runs.
     * Called in the listener's connect handler; {@code session} runs on the connection's Vert.x context.
     */
    public void accept(NetSocket socket, boolean implicitTls, BiConsumer<NetSocket, String> session) {
        String peerIp = socket.remoteAddress() == null ? "unknown" : socket.remoteAddress().hostAddress();
        if (!enabled()) {
            session.accept(socket, peerIp);
            return;
        }
        ChannelPipeline pipeline = ((NetSocketInternal) socket).channelHandlerContext().pipeline();
        boolean handshake = implicitTls && !socket.isSsl();
        InetAddress peer = pipeline.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
        if (trusted.contains(peer)) {
            pipeline.addFirst("proxy-protocol", new HeaderReader(Objects.requireNonNull(
                    ContextInternal.current(), "accept runs in a connect handler"), socket, peerIp, handshake,
                    session));
        } else if (handshake) {
            startTls(socket, pipeline, peerIp, null, session);
        } else {
            session.accept(socket, peerIp);
        }
    }

    private static void startTls(NetSocket socket, ChannelPipeline pipeline, String clientIp, ByteBuf early,
            BiConsumer<NetSocket, String> session) {
        socket.upgradeToSsl().onComplete(ar -> {
            if (ar.succeeded()) {
                session.accept(socket, clientIp);
            } else {
                LOG.log(System.Logger.Level.DEBUG, () -> "TLS handshake with " + clientIp + " failed: " + ar.cause());
                socket.close();
            }
        });
        // Vert.x puts its SslHandler first in the pipeline at once (nothing was written before it, so the flush it
        // waits for completes in the call). Were it ever later, the client's first TLS bytes would miss it.
        if (pipeline.get(SslHandler.class) == null) {
            LOG.log(System.Logger.Level.WARNING, "TLS did not start at once on a connection from " + clientIp
                    + "; closing it");
            if (early != null) {
                early.release();
            }
            socket.close();
            return;
        }
        if (early != null) {
            pipeline.fireChannelRead(early);
        }
    }

    /** The first handler of a trusted proxy's connection until its header is complete. Event loop only. */
    private final class HeaderReader extends ChannelInboundHandlerAdapter {

        private final ContextInternal context;
        private final NetSocket socket;
        private final String proxyIp;
        private final boolean handshake;
        private final BiConsumer<NetSocket, String> session;
        private byte[] received = new byte[128];
        private int size;
        private boolean done;
        private ScheduledFuture<?> timer;

        HeaderReader(ContextInternal context, NetSocket socket, String proxyIp, boolean handshake,
                BiConsumer<NetSocket, String> session) {
            this.context = context;
            this.socket = socket;
            this.proxyIp = proxyIp;
            this.handshake = handshake;
            this.session = session;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            timer = ctx.executor().schedule(() -> refuse(ctx, "no complete PROXY protocol header within "
                    + timeout.toMillis() + " ms"), Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (done || !(msg instanceof ByteBuf buf)) {
                ctx.fireChannelRead(msg);
                return;
            }
            // Bounded: the decoder decides within MAX_LENGTH bytes, so this holds less than that plus one read.
            try {
                int n = buf.readableBytes();
                if (size + n > received.length) {
                    received = Arrays.copyOf(received, Math.max(size + n, received.length * 2));
                }
                buf.readBytes(received, size, n);
                size += n;
            } finally {
                buf.release();
            }
            ProxyHeaderDecoder.Result result = ProxyHeaderDecoder.decode(received, 0, size);
            if (result instanceof ProxyHeaderDecoder.Malformed m) {
                refuse(ctx, m.reason());
            } else if (result instanceof ProxyHeaderDecoder.Decoded d) {
                admit(ctx, d);
            }
        }

        private void admit(ChannelHandlerContext ctx, ProxyHeaderDecoder.Decoded decoded) {
            done = true;
            timer.cancel(false);
            InetSocketAddress client = decoded.header().client();
            String clientIp = client == null ? proxyIp : client.getAddress().getHostAddress();
            ByteBuf rest = size > decoded.consumed()
                    ? Unpooled.copiedBuffer(received, decoded.consumed(), size - decoded.consumed()) : null;
            received = null;
            LOG.log(System.Logger.Level.DEBUG, () -> "connection from " + clientIp + " through proxy " + proxyIp);
            ChannelPipeline pipeline = ctx.pipeline();
            // This runs in Netty's pipeline, outside Vert.x: the session starts on its connection's context, here and
            // now (this is its event loop), so that nothing can read the socket in between.
            context.emit(v -> {
                if (handshake) {
                    pipeline.remove(this);
                    startTls(socket, pipeline, clientIp, rest, session);
                } else {
                    session.accept(socket, clientIp);
                    if (rest != null) {
                        // A first command pipelined behind the header, in the same packet.
                        ctx.fireChannelRead(rest);
                    }
                    pipeline.remove(this);
                }
            });
        }

        private void refuse(ChannelHandlerContext ctx, String reason) {
            if (done) {
                return;
            }
            done = true;
            timer.cancel(false);
            received = null;
            System.Logger.Level level = size == 0 ? System.Logger.Level.DEBUG : System.Logger.Level.INFO;
            LOG.log(level, () -> "closing a connection from proxy " + proxyIp + ": " + reason);
            ctx.channel().close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!done) {
                done = true;
                timer.cancel(false);
                LOG.log(System.Logger.Level.DEBUG, () -> "proxy " + proxyIp + " closed before its PROXY header");
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            if (timer != null) {
                timer.cancel(false);
            }
        }
    }
}
