using System.Text.Json;
using System.Text.RegularExpressions;
using Pmcp.Testing;

namespace Pmcp.Cli.Commands.Tests;

/// <summary>
/// The <c>dotnet new</c> template (templates/pmcp-server) installed from its folder into a throw-away HOME, so the
/// machine's template list is untouched; it must give the files <c>dotnet pmcp new</c> gives. The template package
/// itself, installed from a feed and built against the packages, is tests/Pmcp.PackageTests.
/// </summary>
[Collection(SerialBuilds.Name)]
public sealed class TemplateTests
{
    private static string TemplateFolder => Path.Combine(RepoPaths.Root, "templates", "pmcp-server");

    /// <summary>The name as typed, and the PascalCase form both give the code (template.json's ServerName, ProjectName).</summary>
    [Theory]
    [InlineData("Weather", "Weather")]
    [InlineData("weather", "Weather")]
    [InlineData("my-server", "MyServer")]
    [InlineData("my-2fast", "My2Fast")]
    public async Task DotnetNewGivesTheSameFilesAsDotnetPmcpNewWithThePackageInsteadOfTheSources(string name, string code)
    {
        using var temp = new TempFolder();
        await DotnetNewAsync(temp, name, "from-template");
        var cli = await Cli.RunAsync(temp.Path, "new", name, "--output", "from-cli");
        Assert.True(cli.ExitCode == 0, cli.StdOut + cli.StdErr);

        var fromTemplate = Files(temp["from-template"]);
        var fromCli = Files(temp["from-cli"]);
        Assert.Equal(fromTemplate.Keys.Order(), fromCli.Keys.Order());
        Assert.Contains($"src/{code}/{code}Tools.cs", fromTemplate.Keys);
        Assert.Contains($"namespace {code};", fromTemplate[$"src/{code}/{code}Tools.cs"], StringComparison.Ordinal);
        foreach (var (path, text) in fromTemplate)
        {
            if (path == $"src/{code}/{code}.csproj")
            {
                Assert.Contains("""<PackageReference Include="Pmcp" />""", text, StringComparison.Ordinal);
                Assert.DoesNotContain("ProjectReference", text, StringComparison.Ordinal);
                continue;
            }

            Assert.True(text == fromCli[path], $"{path} differs between dotnet new and dotnet pmcp new");
        }

        Assert.Contains("""<PackageVersion Include="Pmcp" Version="0.1.0" />""", fromTemplate["Directory.Packages.props"], StringComparison.Ordinal);
    }

    [Fact]
    public void TheTemplateReferencesThePmcpVersionOfThisCheckout()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(TemplateFolder, ".template.config", "template.json")));
        var version = Regex.Match(File.ReadAllText(Path.Combine(RepoPaths.Root, "Directory.Build.props")), "<Version>(.*)</Version>").Groups[1].Value;

        Assert.Equal(version, json.RootElement.GetProperty("symbols").GetProperty("PmcpVersion").GetProperty("defaultValue").GetString());
    }

    private static async Task DotnetNewAsync(TempFolder temp, string name, string output)
    {
        var install = await TestProcess.RunAsync("dotnet", ["new", "install", TemplateFolder], temp.Path, TimeSpan.FromMinutes(2), TemplateEnvironment(temp));
        Assert.True(install.ExitCode == 0, install.StdOut + install.StdErr);
        var create = await TestProcess.RunAsync("dotnet", ["new", "pmcp-server", "-n", name, "-o", output], temp.Path, TimeSpan.FromMinutes(2), TemplateEnvironment(temp));
        Assert.True(create.ExitCode == 0, create.StdOut + create.StdErr);
    }

    /// <summary>A private HOME for the template engine's settings, so installing the template does not change the machine's list.</summary>
    private static Dictionary<string, string> TemplateEnvironment(TempFolder temp, params (string Name, string Value)[] more)
    {
        var environment = new Dictionary<string, string>
        {
            ["HOME"] = temp["home"],
            ["DOTNET_CLI_HOME"] = temp["home"],
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        };
        foreach (var (name, value) in more)
        {
            environment[name] = value;
        }

        return environment;
    }

    private static Dictionary<string, string> Files(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f).Replace('\\', '/'), File.ReadAllText);
}
