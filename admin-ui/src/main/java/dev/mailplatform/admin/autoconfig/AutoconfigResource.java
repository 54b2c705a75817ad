package dev.mailplatform.admin.autoconfig;

import dev.mailplatform.admin.config.AutoconfigConfig;
import dev.mailplatform.admin.store.Store;
import dev.mailplatform.store.v1.GetDomainRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Thunderbird's autoconfiguration (the "clientConfig" v1.1 document): the user types an address and a password, the
 * client fetches this from autoconfig.&lt;domain&gt; or &lt;domain&gt;/.well-known/autoconfig. Only for domains the
 * store serves: another domain gets 404, so a client tries its next method. No authentication, as clients need none.
 */
@Path("/")
public class AutoconfigResource {

    private static final Pattern DOMAIN = Pattern.compile("^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$");

    @Inject
    AutoconfigConfig config;

    @Inject
    Store store;

    @GET
    @Path("mail/config-v1.1.xml")
    @Produces("application/xml")
    public Response byAddress(@QueryParam("emailaddress") String address, @HeaderParam("Host") String host) {
        return document(address, host);
    }

    @GET
    @Path(".well-known/autoconfig/mail/config-v1.1.xml")
    @Produces("application/xml")
    public Response wellKnown(@QueryParam("emailaddress") String address, @HeaderParam("Host") String host) {
        return document(address, host);
    }

    private Response document(String address, String host) {
        String domain = domainOf(address, host);
        if (domain == null) {
            return text(400, "give ?emailaddress=user@domain");
        }
        try {
            store.accounts(s -> s.getDomain(GetDomainRequest.newBuilder().setName(domain).build()));
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND
                    || e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT) {
                return text(404, "no mail domain " + domain + " here");
            }
            throw e;
        }
        String imap = config.imapHost().orElse("imap." + domain);
        String pop3 = config.pop3Host().orElse("pop3." + domain);
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<clientConfig version=\"1.1\">\n")
                .append("  <emailProvider id=\"").append(domain).append("\">\n")
                .append("    <domain>").append(domain).append("</domain>\n")
                .append("    <displayName>").append(domain).append(" mail</displayName>\n")
                .append("    <displayShortName>").append(domain).append("</displayShortName>\n");
        server(x, "incomingServer", "imap", imap, config.imapPort());
        server(x, "incomingServer", "pop3", pop3, config.pop3Port());
        config.smtpHost().ifPresent(h -> server(x, "outgoingServer", "smtp", h, config.smtpPort()));
        x.append("  </emailProvider>\n</clientConfig>\n");
        return Response.ok(x.toString(), "application/xml; charset=UTF-8").build();
    }

    private static void server(StringBuilder x, String element, String type, String host, int port) {
        x.append("    <").append(element).append(" type=\"").append(type).append("\">\n")
                .append("      <hostname>").append(escape(host)).append("</hostname>\n")
                .append("      <port>").append(port).append("</port>\n")
                // Implicit TLS on the standard ports; STARTTLS otherwise (143, 110, 587).
                .append("      <socketType>").append(port == 993 || port == 995 || port == 465 ? "SSL" : "STARTTLS")
                .append("</socketType>\n")
                .append("      <authentication>password-cleartext</authentication>\n")
                .append("      <username>%EMAILADDRESS%</username>\n")
                .append("    </").append(element).append(">\n");
    }

    /** From the address, else from the host name the client asked (autoconfig.example.org). */
    static String domainOf(String address, String host) {
        String d = null;
        if (address != null && address.lastIndexOf('@') > 0) {
            d = address.substring(address.lastIndexOf('@') + 1);
        } else if (host != null && host.toLowerCase(Locale.ROOT).startsWith("autoconfig.")) {
            d = host.substring("autoconfig.".length()).replaceAll(":\\d+$", "");
        }
        if (d == null) {
            return null;
        }
        d = d.trim().toLowerCase(Locale.ROOT);
        return DOMAIN.matcher(d).matches() ? d : null;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static Response text(int status, String message) {
        return Response.status(status).type("text/plain; charset=UTF-8").entity(message + "\n").build();
    }
}
