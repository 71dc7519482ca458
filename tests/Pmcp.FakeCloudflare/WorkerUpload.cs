using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Pmcp.FakeCloudflare;

/// <summary>
/// Reads wrangler's Worker upload: a multipart form with a <c>metadata</c> part (JSON) and one part per module,
/// each named after the module and typed (<c>application/javascript+module</c>, <c>application/wasm</c>…).
/// </summary>
internal static class WorkerUpload
{
    public static async Task<(IReadOnlyList<UploadedModule> Modules, WorkerMetadata Metadata)?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is not { Length: > 0 } boundary)
        {
            return null;
        }

        var reader = new MultipartReader(boundary, request.Body);
        var modules = new List<UploadedModule>();
        JsonObject? metadata = null;
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
            {
                continue;
            }

            var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
            using var content = new MemoryStream();
            await section.Body.CopyToAsync(content, cancellationToken);
            if (name == "metadata")
            {
                metadata = JsonNode.Parse(content.ToArray()) as JsonObject;
            }
            else
            {
                modules.Add(new UploadedModule(name, section.ContentType ?? "", content.ToArray()));
            }
        }

        return metadata is null ? null : (modules, new WorkerMetadata(metadata));
    }
}
