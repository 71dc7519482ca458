using Pmcp.Protocol;
using Pmcp.Server;

namespace Conformance;

internal static class ConformanceResources
{
    public static void Add(McpServerBuilder builder) => builder
        .Resource(
            new Resource("test://static-text", "static-text") { Title = "Static text", Description = "A static text resource", MimeType = "text/plain" },
            "This is the content of the static text resource.")
        .Resource(
            new Resource("test://static-binary", "static-binary") { Title = "Static binary", Description = "A static PNG image", MimeType = "image/png" },
            _ => ValueTask.FromResult(new ReadResourceResult([new BlobResourceContents("test://static-binary", Fixtures.ImageBase64) { MimeType = "image/png" }])))
        .Resource(
            new Resource("test://watched-resource", "watched-resource") { Title = "Watched resource", Description = "A resource clients may watch", MimeType = "text/plain" },
            "Watched resource content")
        .ResourceTemplate(
            new ResourceTemplate("test://template/{id}/data", "template") { Title = "Template", Description = "Data for an id", MimeType = "application/json" },
            (request, _) =>
            {
                var id = request.Variables["id"];
                var json = $$"""{"id":"{{id}}","templateTest":true,"data":"Data for ID: {{id}}"}""";
                return ValueTask.FromResult(new ReadResourceResult([new TextResourceContents(request.Uri, json) { MimeType = "application/json" }]));
            });
}
