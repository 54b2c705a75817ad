package dev.mailplatform.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mailplatform.admin.Administration;
import dev.mailplatform.admin.model.Views.AccountPage;
import dev.mailplatform.admin.model.Views.AccountView;
import dev.mailplatform.admin.model.Views.UsageView;
import dev.mailplatform.admin.security.Access;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Accounts: create, browse (keyset-paged), change, delete; usage per mailbox. */
@Path("/api/v1/accounts")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "accounts")
public class AccountsResource {

    @Inject
    Access access;

    @Inject
    Administration admin;

    @GET
    @Operation(summary = "Accounts, a page at a time: follow nextCursor (absent on the last page)")
    public AccountPage list(@QueryParam("domain") String domain, @QueryParam("q") String q,
            @QueryParam("sort") @DefaultValue("address") String sort,
            @QueryParam("order") @DefaultValue("asc") String order,
            @QueryParam("limit") @DefaultValue("50") int limit, @QueryParam("cursor") String cursor,
            @QueryParam("minUsage") @DefaultValue("0") double minUsage) {
        return admin.accounts(access.api(), domain, q, sort, order, limit, cursor, minUsage);
    }

    @POST
    @Operation(summary = "Create an account. Body: address, password, displayName, storageLimit, messageLimit "
            + "(absent: the domain's default)")
    public Response create(JsonNode json) {
        var p = access.api();
        Body b = new Body(json);
        String address = b.text("address");
        String password = b.text("password");
        String displayName = b.text("displayName");
        Long storage = b.number("storageLimit");
        Long messages = b.number("messageLimit");
        b.check();
        AccountView a = admin.createAccount(p, address, password, displayName, storage, messages);
        return Response.created(URI.create("/api/v1/accounts/" + a.address())).entity(a).build();
    }

    @GET
    @Path("{address}")
    public AccountView get(@PathParam("address") String address) {
        return admin.account(access.api(), address);
    }

    @PATCH
    @Path("{address}")
    @Operation(summary = "Change displayName, storageLimit / messageLimit (null: the domain's default), "
            + "retentionDays (-1 keep, null: the domain's), disabled. A limit below the usage is allowed; "
            + "the answer's warnings say so")
    public AccountView update(@PathParam("address") String address, JsonNode json) {
        var p = access.api();
        Body b = new Body(json);
        var displayName = b.patchText("displayName");
        var storage = b.patchNumber("storageLimit");
        var messages = b.patchNumber("messageLimit");
        var retention = b.patchInteger("retentionDays");
        var disabled = b.patchBoolean("disabled");
        b.check();
        return admin.updateAccount(p, address, displayName, storage, messages, retention, disabled);
    }

    @PUT
    @Path("{address}/password")
    @Operation(summary = "Set the password. Body: password")
    public Response password(@PathParam("address") String address, JsonNode json) {
        var p = access.api();
        Body b = new Body(json);
        String password = b.text("password");
        b.check();
        admin.setPassword(p, address, password);
        return Response.noContent().build();
    }

    @DELETE
    @Path("{address}")
    public Response delete(@PathParam("address") String address) {
        admin.deleteAccount(access.api(), address);
        return Response.noContent().build();
    }

    @GET
    @Path("{address}/usage")
    @Operation(summary = "Usage per mailbox and the effective limits")
    public UsageView usage(@PathParam("address") String address) {
        return admin.usage(access.api(), address);
    }
}
