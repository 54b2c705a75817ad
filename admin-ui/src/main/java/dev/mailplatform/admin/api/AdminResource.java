package dev.mailplatform.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mailplatform.admin.Administration;
import dev.mailplatform.admin.model.Views.AdminView;
import dev.mailplatform.admin.model.Views.OverviewView;
import dev.mailplatform.admin.model.Views.TokenView;
import dev.mailplatform.admin.security.Access;
import dev.mailplatform.admin.security.Principal;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The caller, the dashboard's figures, administrators, API tokens and the audit log. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "administration")
public class AdminResource {

    @Inject
    Access access;

    @Inject
    Administration admin;

    @GET
    @Path("me")
    public Principal me() {
        Principal p = access.api();
        return new Principal(p.id(), p.username(), p.superAdmin(), p.domainIds(), null);
    }

    @GET
    @Path("overview")
    public OverviewView overview() {
        return admin.overview(access.api());
    }

    @GET
    @Path("admins")
    public List<AdminView> admins() {
        return admin.admins(access.api());
    }

    @POST
    @Path("admins")
    public Response createAdmin(JsonNode json) {
        var p = access.api();
        Body b = new Body(json);
        String username = b.text("username");
        String password = b.text("password");
        String role = b.text("role");
        List<String> domains = b.texts("domains");
        b.check();
        return Response.status(201).entity(admin.createAdmin(p, username, password, role, domains)).build();
    }

    @GET
    @Path("tokens")
    public List<TokenView> tokens() {
        return admin.tokens(access.api());
    }

    @POST
    @Path("tokens")
    public Response createToken(JsonNode json) {
        var p = access.api();
        Body b = new Body(json);
        String name = b.text("name");
        b.check();
        return Response.status(201).entity(admin.createToken(p, name)).build();
    }

    @DELETE
    @Path("tokens/{id}")
    public Response revoke(@PathParam("id") long id) {
        admin.revokeToken(access.api(), id);
        return Response.noContent().build();
    }

    @GET
    @Path("audit")
    public Administration.AuditPage audit(@QueryParam("limit") @DefaultValue("50") int limit,
            @QueryParam("cursor") String cursor) {
        return admin.audit(access.api(), limit, cursor);
    }
}
