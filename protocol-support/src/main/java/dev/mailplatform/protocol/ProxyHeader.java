package dev.mailplatform.protocol;

import java.net.InetSocketAddress;

/**
 * A decoded HAProxy PROXY protocol header (version 1 or 2). {@code client} and {@code server} are null when the header
 * carries no usable address (v1 {@code UNKNOWN}, the v2 {@code LOCAL} command, AF_UNSPEC or AF_UNIX): the connection's
 * own peer is then the client.
 */
public record ProxyHeader(int version, InetSocketAddress client, InetSocketAddress server) {
}
