using System.Text;

namespace Pmcp.FakeCloudflare;

/// <summary>One module part of a Worker upload: its part name, the content type wrangler gave it, and its bytes.</summary>
public sealed record UploadedModule(string Name, string ContentType, byte[] Content)
{
    public string Text => Encoding.UTF8.GetString(Content);
}
