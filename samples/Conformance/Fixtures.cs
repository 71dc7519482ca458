namespace Conformance;

/// <summary>The values the conformance suite looks for.</summary>
internal static class Fixtures
{
    /// <summary>A 1×1 red PNG.</summary>
    public const string ImageBase64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";

    /// <summary>A minimal WAV file.</summary>
    public const string AudioBase64 = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=";
}
