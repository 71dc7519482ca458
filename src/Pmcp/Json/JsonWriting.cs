using System.Text.Encodings.Web;
using System.Text.Json;

namespace Pmcp.Json;

/// <summary>
/// Writer settings for everything the engine emits. The relaxed encoder keeps quotes and non-ASCII text readable
/// (<c>"</c> instead of <c>\u0022</c>); output is JSON on the wire, never embedded in HTML.
/// </summary>
internal static class JsonWriting
{
    public static readonly JsonWriterOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };
}
