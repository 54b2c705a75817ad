package dev.mailplatform.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mailplatform.admin.Administration;
import dev.mailplatform.admin.model.Views.DomainUsageView;
import dev.mailplatform.admin.model.Views.DomainView;
import dev.mailplatform.admin.security.Access;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Domains: their default quotas and POP3 retention. */
@Path("/api/v1/domains")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "domains")
public class DomainsResource {

    @Inject
    Access access;

    @Inject
    Administration admin;

    @GET
    @Operation(summary = "The domains the caller administers")
    public List<DomainView> list() {
        return admin.domains(access.api());
    }

    @POST
    @Operation(summary = "Create a domain (super-admin). Body: name, defaultStorageLimit (bytes, 0 unlimited, "
            + "absent: platform default), defaultMessageLimit, retentionDays (-1 keep for ever)")
    public Response create(JsonNode json) {
        var p = access.api();
        Body b = new Body(json);
        String name = b.text("name");
        Long storage = b.number("defaultStorageLimit");
        Long messages = b.number("defaultMessageLimit");
        Integer retention = b.integer("retentionDays");
        b.check();
        DomainView d = admin.createDomain(p, name, storage, messages, retention);
        return Response.created(URI.create("/api/v1/domains/" + d.name())).entity(d).build();
    }

    @GET
    @Path("{name}")
    public DomainView get(@PathParam("name") String name) {
        return admin.domain(access.api(), name);
    }

    @PATCH
    @Path("{name}")
    @Operation(summary = "Change default quotas (null: back to the platform default) and retention")
    public DomainView update(@PathParam("name") String name, JsonNode json) {
        var p = access.api();
        Body b = new Body(json);
        var storage = b.patchNumber("defaultStorageLimit");
        var messages = b.patchNumber("defaultMessageLimit");
        var retention = b.patchInteger("retentionDays");
        b.check();
        return admin.updateDomain(p, name, storage, messages, retention);
    }

    @DELETE
    @Path("{name}")
    @Operation(summary = "Delete a domain (super-admin); 409 while it has accounts unless cascade=true")
    public Response delete(@PathParam("name") String name, @QueryParam("cascade") boolean cascade) {
        admin.deleteDomain(access.api(), name, cascade);
        return Response.noContent().build();
    }

    @GET
    @Path("{name}/usage")
    @Operation(summary = "The sum of the domain's accounts' usage")
    public DomainUsageView usage(@PathParam("name") String name) {
        return admin.domainUsage(access.api(), name);
    }
}
