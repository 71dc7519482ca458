namespace Pmcp.Cli.Projects;

/// <summary>
/// Where generated projects get Pmcp's libraries from: this checkout's sources when the CLI runs from one
/// (or PMCP_SOURCE_ROOT names one), else the NuGet packages of the CLI's own version.
/// </summary>
internal static class PmcpSources
{
    public static string? SourceRoot { get; } = FindSourceRoot();

    public static string PackageVersion { get; } =
        typeof(PmcpSources).Assembly.GetName().Version is { } v ? $"{v.Major}.{v.Minor}.{v.Build}" : "0.1.0";

    /// <summary>An MSBuild reference to one of Pmcp's libraries, as a project or a package.</summary>
    public static string Reference(string library) => SourceRoot is { } root
        ? $"""<ProjectReference Include="{Path.Combine(root, "src", library, library + ".csproj")}" />"""
        : $"""<PackageReference Include="{library}" Version="{PackageVersion}" />""";

    private static string? FindSourceRoot()
    {
        if (Environment.GetEnvironmentVariable("PMCP_SOURCE_ROOT") is { Length: > 0 } configured)
        {
            return Path.GetFullPath(configured);
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pmcp.slnx")) && Directory.Exists(Path.Combine(dir.FullName, "src", "Pmcp.Workers.Local")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
