package dev.mailplatform.lmtp.config;

import dev.mailplatform.protocol.TlsKeys;
import io.smallrye.config.ConfigMapping;

/** The server certificate for STARTTLS, under the same keys as the other front ends (see {@link TlsKeys}). */
@ConfigMapping(prefix = "mail.tls")
public interface TlsConfig extends TlsKeys {
}
