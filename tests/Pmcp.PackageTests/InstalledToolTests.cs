using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Pmcp.Testing;
using static Pmcp.Testing.McpClientDriver;

namespace Pmcp.PackageTests;

/// <summary>
/// What a C# developer who never cloned this repository does: install the CLI from the packages, make a server, test
/// it, serve it natively and in workerd, and build its Worker bundle; and the same from the <c>dotnet new</c> template
/// package. Everything is restored from the feed and the machine's NuGet sources into a scratch cache.
/// </summary>
[Collection(SharedPackageFeed.Name)]
public sealed class InstalledToolTests(PackageFeed packages)
{
    private static readonly TimeSpan Build = TimeSpan.FromMinutes(8);

    [Fact]
    public async Task TheInstalledToolMakesAServerThatTestsServesNativelyAndInWorkerdAndBuildsItsWorker()
    {
        var created = await packages.RunToolAsync(packages.Work, "new", "weather-desk");
        var solution = Path.Combine(packages.Work, "weather-desk");
        var project = Path.Combine(solution, "src", "WeatherDesk");
        Assert.Contains("src/WeatherDesk", created, StringComparison.Ordinal);
        AssertUsesPackagesOnly(project);

        var test = await PackageFeed.RunAsync(solution, Build, packages.Environment, "dotnet", "test");
        Assert.Contains("Passed!", test, StringComparison.Ordinal);

        await AssertServesAsync(project, "--native");

        // The installed tool checks the project it made (dev started, checked and stopped by test check itself).
        var check = await packages.RunToolAsync(solution, "test", "check", "src/WeatherDesk", "--native");
        Assert.Contains("passed", check, StringComparison.Ordinal);
        Assert.Contains(" 0 failed", check, StringComparison.Ordinal);

        var built = await packages.RunToolAsync(solution, "deploy", "build", "src/WeatherDesk");
        Assert.Contains("Worker bundle:", built, StringComparison.Ordinal);
        var bundle = Path.Combine(project, ".pmcp", "workers", "build", "worker");
        Assert.True(File.Exists(Path.Combine(bundle, "shim.mjs")), built);
        Assert.True(File.Exists(Path.Combine(bundle, "pmcp", "worker-host.mjs")), "the JS host from the Pmcp.Workers package is in the bundle");
        var generated = await File.ReadAllTextAsync(Path.Combine(project, "obj", "pmcp", "worker", "PmcpWorker.csproj"));
        Assert.Contains($"""<PackageReference Include="Pmcp.Workers" Version="{PackageFeed.Version}" />""", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("ProjectReference Include=\"" + RepoPaths.Root, generated, StringComparison.Ordinal);

        await AssertServesAsync(project);
    }

    [Fact]
    public async Task TheTemplatePackageMakesAServerThatTestsAndBuildsItsWorker()
    {
        await PackageFeed.RunAsync(packages.Work, TimeSpan.FromMinutes(3), packages.Environment, "dotnet", "new", "install", $"Pmcp.Templates::{PackageFeed.Version}");
        await PackageFeed.RunAsync(packages.Work, TimeSpan.FromMinutes(3), packages.Environment, "dotnet", "new", "pmcp-server", "-n", "Forecasts", "-o", "forecasts");
        var solution = Path.Combine(packages.Work, "forecasts");
        var project = Path.Combine(solution, "src", "Forecasts");
        AssertUsesPackagesOnly(project);

        var test = await PackageFeed.RunAsync(solution, Build, packages.Environment, "dotnet", "test");
        Assert.Contains("Passed!", test, StringComparison.Ordinal);

        var built = await packages.RunToolAsync(solution, "deploy", "build", "src/Forecasts");
        Assert.True(File.Exists(Path.Combine(project, ".pmcp", "workers", "build", "worker", "pmcp", "worker-host.mjs")), built);
    }

    private static void AssertUsesPackagesOnly(string project)
    {
        var csproj = File.ReadAllText(Directory.GetFiles(project, "*.csproj").Single());
        Assert.Contains("""<PackageReference Include="Pmcp" />""", csproj, StringComparison.Ordinal);
        Assert.DoesNotContain("ProjectReference", csproj, StringComparison.Ordinal);
    }

    /// <summary>Serves the project with <c>dev</c> and has the official MCP client call its echo tool.</summary>
    private async Task AssertServesAsync(string project, params string[] options)
    {
        var port = FreePort().ToString(CultureInfo.InvariantCulture);
        await using var dev = CliProcess.StartInstalled(packages.Tool, project, packages.Environment, ["dev", "--port", port, .. options]);
        var endpoint = await dev.EndpointAsync(Build);

        var run = await RunAsync(endpoint, [Op("listTools"), Op("callTool", new { name = "echo", arguments = new { message = "from the packages" } })]);

        Assert.Contains(run.Result(0)["tools"]!.AsArray(), tool => tool!["name"]!.GetValue<string>() == "echo");
        Assert.Equal("from the packages", run.Result(1)["content"]![0]!["text"]!.GetValue<string>());
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
