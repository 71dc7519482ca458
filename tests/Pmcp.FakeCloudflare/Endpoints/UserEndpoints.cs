using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Pmcp.FakeCloudflare.Endpoints;

/// <summary>Who the token belongs to: <c>wrangler whoami</c>, and the explanation wrangler prints after an authentication error.</summary>
internal static class UserEndpoints
{
    public static void Map(IEndpointRouteBuilder api, FakeAccount account)
    {
        api.MapGet("/user/tokens/verify", () => Envelope.Ok(
            new JsonObject { ["id"] = FakeAccount.StableId("token:" + account.ApiToken), ["status"] = "active" },
            new JsonArray(new JsonObject { ["code"] = 10000, ["message"] = "This API Token is valid and active", ["type"] = null })));

        api.MapGet("/user", () => Envelope.Ok(new JsonObject
        {
            ["id"] = FakeAccount.StableId("user:" + account.Email),
            ["email"] = account.Email,
            ["suspended"] = false,
            ["two_factor_authentication_enabled"] = false,
        }));

        api.MapGet("/accounts", () => Envelope.List([new JsonObject
        {
            ["id"] = account.AccountId,
            ["name"] = account.AccountName,
            ["type"] = "standard",
            ["created_on"] = "2024-01-01T00:00:00.000000Z",
        }]));

        api.MapGet("/memberships", () => Envelope.List([new JsonObject
        {
            ["id"] = FakeAccount.StableId("membership:" + account.AccountId),
            ["status"] = "accepted",
            ["account"] = new JsonObject { ["id"] = account.AccountId, ["name"] = account.AccountName },
            ["roles"] = new JsonArray("Super Administrator - All Privileges"),
        }]));
    }
}
