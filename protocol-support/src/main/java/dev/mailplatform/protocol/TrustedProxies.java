package dev.mailplatform.protocol;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The addresses whose connections must start with a PROXY protocol header: IPv4 and IPv6 addresses and CIDR blocks
 * ({@code 10.0.0.5}, {@code 10.0.0.0/8}, {@code fd00::/8}). Entries are literals; a host name is refused, never
 * looked up. Matching is Netty's {@link IpSubnetFilterRule}.
 */
public final class TrustedProxies {

    private final List<IpSubnetFilterRule> rules;

    private TrustedProxies(List<IpSubnetFilterRule> rules) {
        this.rules = rules;
    }

    /** Parses the configured entries (blank ones are skipped); a bad entry is an {@link IllegalArgumentException}. */
    public static TrustedProxies of(Collection<String> entries) {
        List<IpSubnetFilterRule> rules = new ArrayList<>();
        for (String raw : entries) {
            String entry = raw.strip();
            if (entry.isEmpty()) {
                continue;
            }
            int slash = entry.indexOf('/');
            String literal = slash < 0 ? entry : entry.substring(0, slash);
            InetAddress address = literal.indexOf('%') >= 0 ? null
                    : NetUtil.createInetAddressFromIpAddressString(literal);
            if (address == null) {
                throw new IllegalArgumentException("not an IP address or CIDR block: " + raw);
            }
            int max = address instanceof Inet4Address ? 32 : 128;
            int prefix;
            try {
                prefix = slash < 0 ? max : Integer.parseInt(entry.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("bad prefix length in " + raw);
            }
            rules.add(new IpSubnetFilterRule(address, prefix, IpFilterRuleType.ACCEPT));
        }
        return new TrustedProxies(List.copyOf(rules));
    }

    public static TrustedProxies none() {
        return new TrustedProxies(List.of());
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    public boolean contains(InetAddress address) {
        if (address == null) {
            return false;
        }
        InetSocketAddress probe = new InetSocketAddress(address, 0);
        for (IpSubnetFilterRule rule : rules) {
            if (rule.matches(probe)) {
                return true;
            }
        }
        return false;
    }
}
