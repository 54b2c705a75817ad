package dev.mailplatform.lmtp.config;

import dev.mailplatform.protocol.StoreTlsKeys;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** This front end's side of the store's mutual TLS, under the same keys in every service (see {@link StoreTlsKeys}). */
@ConfigMapping(prefix = "mail.store.tls")
public interface StoreTlsConfig extends StoreTlsKeys {

    @Override
    @WithDefault("false")
    boolean allowPlaintext();
}
