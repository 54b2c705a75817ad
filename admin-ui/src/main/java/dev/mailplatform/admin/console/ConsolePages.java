package dev.mailplatform.admin.console;

import dev.mailplatform.admin.Administration;
import dev.mailplatform.admin.model.Invalid;
import dev.mailplatform.admin.model.Patch;
import dev.mailplatform.admin.model.Sizes;
import dev.mailplatform.admin.model.Views.AccountView;
import dev.mailplatform.admin.security.Access;
import dev.mailplatform.admin.security.Principal;
import io.quarkus.qute.Engine;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The console's pages: server-rendered, every change a form post with the session's CSRF token, answered by a
 * redirect (so reload never repeats it) or, for bad input, by the same page with a message per field.
 */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class ConsolePages {

    @Inject
    Access access;

    @Inject
    Administration admin;

    @Inject
    Engine engine;

    private TemplateInstance page(String name, Principal p) {
        return engine.getTemplate(name).data("me", p).data("errors", Map.of()).data("flash", null)
                .data("page", name);
    }

    private static Response html(int status, TemplateInstance t) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(t.render())
                .build();
    }

    private static Response see(String path) {
        return Response.seeOther(URI.create(path)).build();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- dashboard

    @GET
    public Response dashboard() {
        Principal p = access.page();
        return html(200, page("dashboard", p).data("o", admin.overview(p)));
    }

    // ---------------------------------------------------------------- domains

    @GET
    @Path("domains")
    public Response domains(@QueryParam("ok") String ok) {
        Principal p = access.page();
        return html(200, domainsPage(p, Map.of(), Map.of()).data("flash", ok));
    }

    private TemplateInstance domainsPage(Principal p, Map<String, String> errors, Map<String, String> input) {
        return page("domains", p).data("domains", admin.domains(p)).data("errors", errors).data("input", input);
    }

    @POST
    @Path("domains")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response createDomain(@FormParam("_csrf") String csrf, @FormParam("name") String name,
            @FormParam("storage") String storage, @FormParam("messages") String messages,
            @FormParam("retention") String retention) {
        Principal p = access.form(csrf);
        Map<String, String> input = Map.of("name", nz(name), "storage", nz(storage), "messages", nz(messages),
                "retention", nz(retention));
        try {
            Invalid.Collector errors = new Invalid.Collector();
            Long s = size(errors, "defaultStorageLimit", storage);
            Long m = number(errors, "defaultMessageLimit", messages);
            Integer r = days(errors, "retentionDays", retention);
            errors.throwIfAny();
            var d = admin.createDomain(p, name, s, m, r);
            return see("/domains/" + enc(d.name()) + "?ok=" + enc("Domain " + d.name() + " created."));
        } catch (Invalid e) {
            return html(400, domainsPage(p, e.fields(), input));
        } catch (Administration.Conflict e) {
            return html(409, domainsPage(p, Map.of("name", e.getMessage()), input));
        }
    }

    @GET
    @Path("domains/{name}")
    public Response domain(@PathParam("name") String name, @QueryParam("ok") String ok) {
        Principal p = access.page();
        return html(200, domainPage(p, name, Map.of()).data("flash", ok));
    }

    private TemplateInstance domainPage(Principal p, String name, Map<String, String> errors) {
        return page("domain", p).data("d", admin.domain(p, name)).data("u", admin.domainUsage(p, name))
                .data("errors", errors);
    }

    @POST
    @Path("domains/{name}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response updateDomain(@PathParam("name") String name, @FormParam("_csrf") String csrf,
            @FormParam("storage") String storage, @FormParam("messages") String messages,
            @FormParam("retention") String retention) {
        Principal p = access.form(csrf);
        try {
            Invalid.Collector errors = new Invalid.Collector();
            Patch<Long> s = blank(storage) ? Patch.of(null) : Patch.of(size(errors, "defaultStorageLimit", storage));
            Patch<Long> m = blank(messages) ? Patch.of(null)
                    : Patch.of(number(errors, "defaultMessageLimit", messages));
            Patch<Integer> r = Patch.of(days(errors, "retentionDays", blank(retention) ? "-1" : retention));
            errors.throwIfAny();
            admin.updateDomain(p, name, s, m, r);
            return see("/domains/" + enc(name) + "?ok=" + enc("Saved."));
        } catch (Invalid e) {
            return html(400, domainPage(p, name, e.fields()));
        }
    }

    @POST
    @Path("domains/{name}/delete")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response deleteDomain(@PathParam("name") String name, @FormParam("_csrf") String csrf,
            @FormParam("cascade") String cascade) {
        Principal p = access.form(csrf);
        try {
            admin.deleteDomain(p, name, "on".equals(cascade));
        } catch (Administration.Conflict e) {
            return html(409, domainPage(p, name, Map.of("delete", e.getMessage())));
        }
        return see("/domains?ok=" + enc("Domain " + name + " deleted."));
    }

    // ---------------------------------------------------------------- accounts

    @GET
    @Path("accounts")
    public Response accounts(@QueryParam("domain") String domain, @QueryParam("q") String q,
            @QueryParam("sort") @DefaultValue("address") String sort,
            @QueryParam("order") @DefaultValue("asc") String order, @QueryParam("cursor") String cursor,
            @QueryParam("ok") String ok) {
        Principal p = access.page();
        return html(200, accountsPage(p, domain, q, sort, order, cursor, Map.of(), Map.of()).data("flash", ok));
    }

    private TemplateInstance accountsPage(Principal p, String domain, String q, String sort, String order,
            String cursor, Map<String, String> errors, Map<String, String> input) {
        var list = admin.accounts(p, domain, q, sort, order, 50, cursor, 0);
        String base = "/accounts?" + (blank(domain) ? "" : "domain=" + enc(domain) + "&")
                + (blank(q) ? "" : "q=" + enc(q) + "&");
        return page("accounts", p).data("list", list).data("domains", admin.domains(p))
                .data("domain", nz(domain)).data("q", nz(q)).data("sort", sort).data("order", order)
                .data("base", base).data("first", blank(cursor))
                .data("next", list.nextCursor() == null ? null
                        : base + "sort=" + sort + "&order=" + order + "&cursor=" + enc(list.nextCursor()))
                .data("errors", errors).data("input", input).data("warn", 0.8);
    }

    @POST
    @Path("accounts")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response createAccount(@FormParam("_csrf") String csrf, @FormParam("address") String address,
            @FormParam("password") String password, @FormParam("displayName") String displayName,
            @FormParam("storage") String storage, @FormParam("messages") String messages) {
        Principal p = access.form(csrf);
        Map<String, String> input = Map.of("address", nz(address), "displayName", nz(displayName), "storage",
                nz(storage), "messages", nz(messages));
        try {
            Invalid.Collector errors = new Invalid.Collector();
            Long s = blank(storage) ? null : size(errors, "storageLimit", storage);
            Long m = blank(messages) ? null : number(errors, "messageLimit", messages);
            errors.throwIfAny();
            AccountView a = admin.createAccount(p, address, password, displayName, s, m);
            return see("/accounts/" + enc(a.address()) + "?ok=" + enc("Account " + a.address() + " created."));
        } catch (Invalid e) {
            return html(400, accountsPage(p, null, null, "address", "asc", null, e.fields(), input));
        } catch (Administration.Conflict e) {
            return html(409, accountsPage(p, null, null, "address", "asc", null, Map.of("address", e.getMessage()),
                    input));
        }
    }

    @GET
    @Path("accounts/{address}")
    public Response account(@PathParam("address") String address, @QueryParam("ok") String ok) {
        Principal p = access.page();
        return html(200, accountPage(p, address, Map.of(), List.of()).data("flash", ok));
    }

    private TemplateInstance accountPage(Principal p, String address, Map<String, String> errors,
            List<String> warnings) {
        return page("account", p).data("a", admin.account(p, address)).data("u", admin.usage(p, address))
                .data("errors", errors).data("warnings", warnings);
    }

    @POST
    @Path("accounts/{address}/quota")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response quota(@PathParam("address") String address, @FormParam("_csrf") String csrf,
            @FormParam("storage") String storage, @FormParam("messages") String messages) {
        return change(address, csrf, "Quota saved.", () -> {
            Invalid.Collector errors = new Invalid.Collector();
            Patch<Long> s = blank(storage) ? Patch.of(null) : Patch.of(size(errors, "storageLimit", storage));
            Patch<Long> m = blank(messages) ? Patch.of(null) : Patch.of(number(errors, "messageLimit", messages));
            errors.throwIfAny();
            return admin.updateAccount(access.page(), address, Patch.absent(), s, m, Patch.absent(),
                    Patch.absent());
        });
    }

    @POST
    @Path("accounts/{address}/retention")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response retention(@PathParam("address") String address, @FormParam("_csrf") String csrf,
            @FormParam("mode") String mode, @FormParam("days") String days) {
        return change(address, csrf, "Retention saved.", () -> {
            Invalid.Collector errors = new Invalid.Collector();
            Patch<Integer> r;
            if ("inherit".equals(mode)) {
                r = Patch.of(null);
            } else if ("keep".equals(mode)) {
                r = Patch.of(-1);
            } else if ("days".equals(mode)) {
                Integer d = days(errors, "retentionDays", blank(days) ? "x" : days);
                if (d != null && d < 0) {
                    errors.add("retentionDays", "days must be 0 or more; choose \"keep for ever\" to never delete");
                }
                r = Patch.of(d);
            } else {
                errors.add("retentionDays", "choose the domain's default, keep for ever, or a number of days");
                r = Patch.absent();
            }
            errors.throwIfAny();
            return admin.updateAccount(access.page(), address, Patch.absent(), Patch.absent(), Patch.absent(), r,
                    Patch.absent());
        });
    }

    @POST
    @Path("accounts/{address}/profile")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response profile(@PathParam("address") String address, @FormParam("_csrf") String csrf,
            @FormParam("displayName") String displayName, @FormParam("disabled") String disabled) {
        return change(address, csrf, "Saved.", () -> admin.updateAccount(access.page(), address,
                Patch.of(nz(displayName)), Patch.absent(), Patch.absent(), Patch.absent(),
                Patch.of("on".equals(disabled))));
    }

    @POST
    @Path("accounts/{address}/password")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response password(@PathParam("address") String address, @FormParam("_csrf") String csrf,
            @FormParam("password") String password) {
        return change(address, csrf, "Password changed.", () -> {
            admin.setPassword(access.page(), address, password);
            return null;
        });
    }

    @POST
    @Path("accounts/{address}/delete")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response deleteAccount(@PathParam("address") String address, @FormParam("_csrf") String csrf) {
        Principal p = access.form(csrf);
        admin.deleteAccount(p, address);
        return see("/accounts?ok=" + enc("Account " + address + " deleted."));
    }

    private Response change(String address, String csrf, String done, Supplier<AccountView> work) {
        Principal p = access.form(csrf);
        try {
            AccountView v = work.get();
            String msg = done + (v == null || v.warnings().isEmpty() ? "" : " Note: " + String.join("; ",
                    v.warnings()));
            return see("/accounts/" + enc(address) + "?ok=" + enc(msg));
        } catch (Invalid e) {
            return html(400, accountPage(p, address, e.fields(), List.of()));
        }
    }

    // ---------------------------------------------------------------- audit, tokens, administrators

    @GET
    @Path("audit")
    public Response audit(@QueryParam("cursor") String cursor) {
        Principal p = access.page();
        return html(200, page("audit", p).data("audit", admin.audit(p, 50, cursor)));
    }

    @GET
    @Path("tokens")
    public Response tokens() {
        Principal p = access.page();
        return html(200, page("tokens", p).data("tokens", admin.tokens(p)).data("created", null));
    }

    @POST
    @Path("tokens")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response createToken(@FormParam("_csrf") String csrf, @FormParam("name") String name) {
        Principal p = access.form(csrf);
        try {
            var t = admin.createToken(p, name);
            // Shown once, on this answer only: it is not kept anywhere it could be shown again.
            return html(201, page("tokens", p).data("tokens", admin.tokens(p)).data("created", t));
        } catch (Invalid e) {
            return html(400, page("tokens", p).data("tokens", admin.tokens(p)).data("created", null)
                    .data("errors", e.fields()));
        }
    }

    @POST
    @Path("tokens/{id}/revoke")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response revokeToken(@PathParam("id") long id, @FormParam("_csrf") String csrf) {
        admin.revokeToken(access.form(csrf), id);
        return see("/tokens");
    }

    @GET
    @Path("admins")
    public Response admins() {
        Principal p = access.page();
        return html(200, page("admins", p).data("admins", admin.admins(p)).data("domains", admin.domains(p)));
    }

    @POST
    @Path("admins")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response createAdmin(@FormParam("_csrf") String csrf, @FormParam("username") String username,
            @FormParam("password") String password, @FormParam("role") String role,
            @FormParam("domains") List<String> domains) {
        Principal p = access.form(csrf);
        try {
            admin.createAdmin(p, username, password, role, domains);
            return see("/admins");
        } catch (Invalid e) {
            return html(400, page("admins", p).data("admins", admin.admins(p)).data("domains", admin.domains(p))
                    .data("errors", e.fields()));
        } catch (Administration.Conflict e) {
            return html(409, page("admins", p).data("admins", admin.admins(p)).data("domains", admin.domains(p))
                    .data("errors", Map.of("username", e.getMessage())));
        }
    }

    // ---------------------------------------------------------------- form fields

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static Long size(Invalid.Collector errors, String field, String text) {
        if (blank(text)) {
            return null;
        }
        try {
            return Sizes.parse(text);
        } catch (IllegalArgumentException e) {
            errors.add(field, e.getMessage());
            return null;
        }
    }

    private static Long number(Invalid.Collector errors, String field, String text) {
        if (blank(text)) {
            return null;
        }
        try {
            long v = Long.parseLong(text.trim().replace(",", "").replace("_", ""));
            if (v < 0) {
                errors.add(field, "cannot be negative (0 means unlimited)");
            }
            return v;
        } catch (NumberFormatException e) {
            errors.add(field, "write a whole number of messages, e.g. 100000 (0 for unlimited)");
            return null;
        }
    }

    private static Integer days(Invalid.Collector errors, String field, String text) {
        if (blank(text)) {
            return null;
        }
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            errors.add(field, "write a number of days, or -1 to keep messages for ever");
            return null;
        }
    }
}
