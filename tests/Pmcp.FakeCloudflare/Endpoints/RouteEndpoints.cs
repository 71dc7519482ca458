using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Pmcp.FakeCloudflare.Endpoints;

/// <summary>
/// Routes and custom domains. wrangler PUTs all of a Worker's routes at once on the script; when workers.dev is off
/// it first looks each route's zone up by name and lists the zone's routes to refuse routes another Worker owns.
/// </summary>
internal static class RouteEndpoints
{
    // The fake's wording for requests naming a zone the account does not have, or a route another Worker holds.
    private static readonly CloudflareError ZoneNotFound = new(7003, "Could not route to the zone, perhaps your object identifier is invalid?");

    public static void MapAccount(IEndpointRouteBuilder accounts, FakeAccount account)
    {
        accounts.MapPut("/workers/scripts/{name}/routes", async (string name, HttpRequest request, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadAsync(request, cancellationToken) as JsonArray ?? [];
            return ScriptEndpoints.WithScript(account, name, script =>
            {
                var routes = new List<WorkerRoute>();
                foreach (var entry in body)
                {
                    var pattern = entry.String("pattern") ?? "";
                    if (Zone(account, entry, HostOf(pattern)) is not { } zone)
                    {
                        return Envelope.Error(StatusCodes.Status400BadRequest, ZoneNotFound);
                    }

                    if (account.LiveScripts.Any(other => other != script && other.RouteList.Any(route => route.Pattern == pattern)))
                    {
                        return Envelope.Error(StatusCodes.Status409Conflict, new CloudflareError(10020, $"The route {pattern} is already assigned to another Worker"));
                    }

                    routes.Add(new WorkerRoute(FakeAccount.NewId(), pattern, zone.Id, zone.Name, script.Name));
                }

                script.RouteList = routes;
                return Envelope.Ok(new JsonArray([.. routes.Select(route => (JsonNode)WorkerJson.Route(route))]));
            });
        });

        accounts.MapGet("/workers/scripts/{name}/routes", (string name) => ScriptEndpoints.WithScript(account, name, script =>
            Envelope.Ok(new JsonArray([.. script.RouteList.Select(route => (JsonNode)WorkerJson.Route(route))]))));

        // replace_state=true: the origins are all of the Worker's custom domains; the changeset says what will change.
        accounts.MapPost("/workers/scripts/{name}/domains/changeset", async (string name, HttpRequest request, CancellationToken cancellationToken) =>
        {
            var origins = await JsonBody.ReadAsync(request, cancellationToken) as JsonArray ?? [];
            return ScriptEndpoints.WithScript(account, name, script =>
            {
                var wanted = origins.Select(origin => origin.String("hostname") ?? "").ToHashSet(StringComparer.OrdinalIgnoreCase);
                var current = script.CustomDomainList;
                var added = new JsonArray();
                foreach (var origin in origins)
                {
                    var hostname = origin.String("hostname") ?? "";
                    if (current.Any(domain => domain.Hostname.Equals(hostname, StringComparison.OrdinalIgnoreCase)))
                    {
                        continue;
                    }

                    if (Zone(account, origin, hostname) is not { } zone)
                    {
                        return Envelope.Error(StatusCodes.Status400BadRequest, ZoneNotFound);
                    }

                    added.Add(WorkerJson.Domain(new CustomDomain("", hostname, zone.Id, zone.Name, script.Name, "production")));
                }

                return Envelope.Ok(new JsonObject
                {
                    ["added"] = added,
                    ["removed"] = new JsonArray([.. current.Where(domain => !wanted.Contains(domain.Hostname)).Select(domain => (JsonNode)WorkerJson.Domain(domain))]),
                    ["updated"] = new JsonArray([.. current.Where(domain => wanted.Contains(domain.Hostname)).Select(domain =>
                    {
                        var json = WorkerJson.Domain(domain);
                        json["modified"] = false;
                        return (JsonNode)json;
                    })]),
                    ["conflicting"] = new JsonArray(),
                });
            });
        });

        accounts.MapPut("/workers/scripts/{name}/domains/records", async (string name, HttpRequest request, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadAsync(request, cancellationToken);
            var origins = body?["origins"] as JsonArray ?? [];
            return ScriptEndpoints.WithScript(account, name, script =>
            {
                var domains = new List<CustomDomain>();
                foreach (var origin in origins)
                {
                    var hostname = origin.String("hostname") ?? "";
                    if (Zone(account, origin, hostname) is not { } zone)
                    {
                        return Envelope.Error(StatusCodes.Status400BadRequest, ZoneNotFound);
                    }

                    var owner = account.LiveScripts.FirstOrDefault(other => other != script && other.CustomDomainList.Any(domain => domain.Hostname == hostname));
                    if (owner is not null)
                    {
                        if (body.Bool("override_existing_origin") != true)
                        {
                            return Envelope.Error(StatusCodes.Status409Conflict, new CloudflareError(100117, $"{hostname} is already a custom domain of another Worker"));
                        }

                        owner.CustomDomainList = [.. owner.CustomDomainList.Where(domain => domain.Hostname != hostname)];
                    }

                    var existing = script.CustomDomainList.FirstOrDefault(domain => domain.Hostname == hostname);
                    domains.Add(existing ?? new CustomDomain(FakeAccount.NewId(), hostname, zone.Id, zone.Name, script.Name, "production"));
                }

                script.CustomDomainList = domains;
                return Envelope.Ok(new JsonArray([.. domains.Select(domain => (JsonNode)WorkerJson.Domain(domain))]));
            });
        });

        accounts.MapGet("/workers/domains/records/{id}", (string id) =>
        {
            lock (account.Gate)
            {
                return account.LiveScripts.SelectMany(script => script.CustomDomainList).FirstOrDefault(domain => domain.Id == id) is { } domain
                    ? Envelope.Ok(WorkerJson.Domain(domain))
                    : Envelope.Error(StatusCodes.Status404NotFound, new CloudflareError(100114, "Domain not found"));
            }
        });

        accounts.MapGet("/workers/domains/records", (string? service, string? hostname) =>
        {
            lock (account.Gate)
            {
                return Envelope.List(account.LiveScripts.SelectMany(script => script.CustomDomainList)
                    .Where(domain => (service is null || domain.Service == service) && (hostname is null || domain.Hostname == hostname))
                    .Select(domain => (JsonNode)WorkerJson.Domain(domain)));
            }
        });
    }

    public static void MapZones(IEndpointRouteBuilder api, FakeAccount account)
    {
        // Zone lookup by name, as wrangler does for routes with zone_name (and for bare patterns, by host suffix).
        api.MapGet("/zones", (HttpRequest request) =>
        {
            var name = request.Query["name"].ToString();
            var accountId = request.Query["account.id"].ToString();
            return Envelope.List(account.Zones
                .Where(zone => (name.Length == 0 || zone.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) && (accountId.Length == 0 || accountId == account.AccountId))
                .Select(zone => (JsonNode)new JsonObject
                {
                    ["id"] = zone.Id,
                    ["name"] = zone.Name,
                    ["status"] = "active",
                    ["account"] = new JsonObject { ["id"] = account.AccountId, ["name"] = account.AccountName },
                }));
        });

        api.MapGet("/zones/{zoneId}/workers/routes", (string zoneId) =>
        {
            lock (account.Gate)
            {
                if (account.Zones.All(zone => zone.Id != zoneId))
                {
                    return Envelope.Error(StatusCodes.Status404NotFound, ZoneNotFound);
                }

                return Envelope.List(account.LiveScripts.SelectMany(script => script.RouteList)
                    .Where(route => route.ZoneId == zoneId)
                    .Select(route => (JsonNode)new JsonObject { ["id"] = route.Id, ["pattern"] = route.Pattern, ["script"] = route.Script }));
            }
        });

        // The per-zone route API wrangler falls back to when its token lacks "All zones" access.
        api.MapPost("/zones/{zoneId}/workers/routes", async (string zoneId, HttpRequest request, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadAsync(request, cancellationToken);
            lock (account.Gate)
            {
                if (account.Zones.FirstOrDefault(zone => zone.Id == zoneId) is not { } zone)
                {
                    return Envelope.Error(StatusCodes.Status404NotFound, ZoneNotFound);
                }

                if (account.Live(body.String("script") ?? "") is not { } script)
                {
                    return Envelope.ScriptNotFound();
                }

                var route = new WorkerRoute(FakeAccount.NewId(), body.String("pattern") ?? "", zone.Id, zone.Name, script.Name);
                script.RouteList = [.. script.RouteList.Where(existing => existing.Pattern != route.Pattern), route];
                return Envelope.Ok(new JsonObject { ["id"] = route.Id, ["pattern"] = route.Pattern, ["script"] = route.Script });
            }
        });
    }

    /// <summary>The zone a route or origin names (zone_id, zone_name), else the zone its host falls in.</summary>
    private static FakeZone? Zone(FakeAccount account, JsonNode? entry, string host) =>
        entry.String("zone_id") is { } id ? account.Zones.FirstOrDefault(zone => zone.Id == id)
        : entry.String("zone_name") is { } name ? account.Zones.FirstOrDefault(zone => zone.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        : account.ZoneForHost(host);

    /// <summary>The host of a route pattern: <c>*.example.com/api/*</c> gives <c>example.com</c>.</summary>
    private static string HostOf(string pattern)
    {
        var host = pattern.Contains("://", StringComparison.Ordinal) ? pattern[(pattern.IndexOf("://", StringComparison.Ordinal) + 3)..] : pattern;
        return host.Split('/')[0].TrimStart('*').TrimStart('.');
    }
}
