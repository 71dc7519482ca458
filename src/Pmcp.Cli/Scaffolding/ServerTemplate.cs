using System.Text.RegularExpressions;
using Pmcp.Cli.Projects;

namespace Pmcp.Cli.Scaffolding;

/// <summary>
/// The files of a new server solution. Their one source is the <c>dotnet new</c> template in
/// <c>templates/pmcp-server/</c>, embedded in the CLI at build time; this renders it as <c>dotnet new pmcp-server</c>
/// does (<see cref="SourceName"/> replaced by the name in paths and text, <see cref="VersionToken"/> by Pmcp's
/// version). From a checkout of Pmcp, the projects reference its sources instead of its packages.
/// </summary>
internal static partial class ServerTemplate
{
    /// <summary>The template's <c>sourceName</c> (template.json): the name it is written with.</summary>
    public const string SourceName = "PmcpServer";

    /// <summary>Replaced by the Pmcp package version (the template's <c>PmcpVersion</c> parameter).</summary>
    public const string VersionToken = "PMCP_VERSION";

    private const string ResourcePrefix = "pmcp-server/";

    /// <summary>Each file's path relative to the solution folder, with its text.</summary>
    public static IReadOnlyList<(string Path, string Text)> Render(string name, string version, string? sourceRoot)
    {
        var assembly = typeof(ServerTemplate).Assembly;
        var files = new List<(string, string)>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            var text = reader.ReadToEnd().Replace(SourceName, name, StringComparison.Ordinal).Replace(VersionToken, version, StringComparison.Ordinal);
            if (sourceRoot is not null)
            {
                text = ReferenceSources(text, sourceRoot);
            }

            var path = resource[ResourcePrefix.Length..].Replace('\\', '/').Replace(SourceName, name, StringComparison.Ordinal);
            files.Add((path, text));
        }

        return files.Count > 0 ? files : throw new InvalidOperationException("The CLI was built without its template (templates/pmcp-server).");
    }

    /// <summary>
    /// Swaps the Pmcp package for the checkout's projects. A ProjectReference does not carry the source generator the
    /// package ships as its analyzer, so the generator is referenced as one.
    /// </summary>
    private static string ReferenceSources(string text, string sourceRoot) =>
        PmcpPackageReference().Replace(text, match =>
        {
            var indent = match.Groups["indent"].Value;
            var pmcp = Path.Combine(sourceRoot, "src", "Pmcp", "Pmcp.csproj");
            var generators = Path.Combine(sourceRoot, "src", "Pmcp.Generators", "Pmcp.Generators.csproj");
            return $"""
                {indent}<!-- Pmcp from the checkout that ran `dotnet pmcp new`; a project made by an installed CLI has <PackageReference Include="Pmcp" /> here. -->
                {indent}<ProjectReference Include="{pmcp}" />
                {indent}<ProjectReference Include="{generators}" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
                """;
        });

    [GeneratedRegex("""^(?<indent>[ \t]*)<PackageReference Include="Pmcp" />[ \t]*$""", RegexOptions.Multiline)]
    private static partial Regex PmcpPackageReference();
}
