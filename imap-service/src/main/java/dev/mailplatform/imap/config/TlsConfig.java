package dev.mailplatform.imap.config;

import dev.mailplatform.protocol.TlsKeys;
import io.smallrye.config.ConfigMapping;

/** The server certificate, under the same keys in both front ends (see {@link TlsKeys}). */
@ConfigMapping(prefix = "mail.tls")
public interface TlsConfig extends TlsKeys {
}
