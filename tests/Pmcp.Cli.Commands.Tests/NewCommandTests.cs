using Pmcp.Testing;

namespace Pmcp.Cli.Commands.Tests;

[Collection(SerialBuilds.Name)]
public sealed class NewCommandTests
{
    /// <summary>A one-word name in lowercase, as <c>dotnet pmcp new demo</c> is typed: the folder keeps it, the code is PascalCase.</summary>
    [Fact]
    public async Task CreatesASolutionWhoseTestsPassRightAway()
    {
        using var temp = new TempFolder();

        var (exitCode, stdout, stderr) = await Cli.RunAsync(temp.Path, "new", "weather");

        Assert.True(exitCode == 0, stdout + stderr);
        Assert.Contains("cd weather", stdout, StringComparison.Ordinal);
        Assert.Contains("dotnet pmcp dev src/Weather", stdout, StringComparison.Ordinal);
        foreach (var file in new[]
        {
            "Weather.slnx", "README.md", "Directory.Build.props", "Directory.Packages.props", ".gitignore",
            "src/Weather/Weather.csproj", "src/Weather/WeatherTools.cs", "src/Weather/WeatherJsonContext.cs", "src/Weather/Models.cs",
            "tests/Weather.Tests/Weather.Tests.csproj", "tests/Weather.Tests/ToolsTests.cs", "tests/Weather.Tests/McpClient.cs",
            "scenarios.yaml", ".github/workflows/ci.yml",
        })
        {
            Assert.True(File.Exists(temp[Path.Combine("weather", file)]), $"missing {file}");
        }

        // From this checkout the server references its sources, with the source generator as an analyzer.
        var project = await File.ReadAllTextAsync(temp["weather/src/Weather/Weather.csproj"]);
        Assert.Contains($"""<ProjectReference Include="{Path.Combine(RepoPaths.Root, "src", "Pmcp", "Pmcp.csproj")}" />""", project, StringComparison.Ordinal);
        Assert.Contains("""Pmcp.Generators.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />""", project, StringComparison.Ordinal);
        var tools = await File.ReadAllTextAsync(temp["weather/src/Weather/WeatherTools.cs"]);
        Assert.DoesNotContain("PmcpServer", tools, StringComparison.Ordinal);
        Assert.Contains("namespace Weather;", tools, StringComparison.Ordinal);
        Assert.Contains("class WeatherTools", tools, StringComparison.Ordinal);
        Assert.Contains("class WeatherJsonContext", await File.ReadAllTextAsync(temp["weather/src/Weather/WeatherJsonContext.cs"]), StringComparison.Ordinal);

        var test = await TestProcess.RunAsync("dotnet", ["test"], temp["weather"], TimeSpan.FromMinutes(5));
        Assert.True(test.ExitCode == 0, test.StdOut + test.StdErr);
        Assert.Contains("Passed!", test.StdOut, StringComparison.Ordinal);
        Assert.Contains("Total:     4", test.StdOut, StringComparison.Ordinal);

        // The CI workflow builds, tests, and checks the server in workerd with the scenarios the project keeps.
        var workflow = await File.ReadAllTextAsync(temp["weather/.github/workflows/ci.yml"]);
        Assert.Contains("dotnet build Weather.slnx -c Release", workflow, StringComparison.Ordinal);
        Assert.Contains("dotnet test Weather.slnx -c Release --no-build", workflow, StringComparison.Ordinal);
        Assert.Contains("dotnet pmcp test check src/Weather --format junit", workflow, StringComparison.Ordinal);
        Assert.Contains("dotnet pmcp test run scenarios.yaml src/Weather --format junit", workflow, StringComparison.Ordinal);
        Assert.DoesNotContain("PMCP_VERSION", workflow, StringComparison.Ordinal);

        // Its scenarios pass against the fresh server (natively here; the workflow runs them in workerd).
        var scenarios = await TestProcess.RunAsync(
            "dotnet", [CliProcess.CliAssembly, "test", "run", "scenarios.yaml", "src/Weather", "--native", "--format", "json"], temp["weather"], TimeSpan.FromMinutes(10));
        Assert.True(scenarios.ExitCode == 0, scenarios.StdOut + scenarios.StdErr);
        Assert.Contains("\"passed\": 4", scenarios.StdOut, StringComparison.Ordinal);
        Assert.Contains("\"failed\": 0", scenarios.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutputNamesTheFolder()
    {
        using var temp = new TempFolder();

        var (exitCode, stdout, stderr) = await Cli.RunAsync(temp.Path, "new", "Notes", "--output", "code/notes");

        Assert.True(exitCode == 0, stdout + stderr);
        Assert.True(File.Exists(temp["code/notes/Notes.slnx"]));
        Assert.True(File.Exists(temp["code/notes/src/Notes/Notes.csproj"]));
    }

    [Theory]
    [InlineData("my server", "is not a C# identifier", "dotnet pmcp new MyServer")]
    [InlineData("-my-server", "is not a C# identifier", "dotnet pmcp new MyServer")]
    [InlineData("2fast", "is not a C# identifier", "dotnet pmcp new Mcp2fast")]
    [InlineData("Pmcp", "would hide the Pmcp namespace", "dotnet pmcp new PmcpServer")]
    [InlineData("", "the name is empty", "dotnet pmcp new MyServer")]
    public async Task ANameThatIsNotAnIdentifierIsAClearError(string name, string problem, string fix)
    {
        using var temp = new TempFolder();

        var (exitCode, _, stderr) = await Cli.RunAsync(temp.Path, "new", name);

        Assert.Equal(1, exitCode);
        Assert.Contains("error: ", stderr, StringComparison.Ordinal);
        Assert.Contains(problem, stderr, StringComparison.Ordinal);
        Assert.Contains(fix, stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    [Theory]
    [InlineData("my-server", "MyServer")]
    [InlineData("my-2fast", "My2Fast")]
    [InlineData("demo", "Demo")]
    [InlineData("myServer", "MyServer")]
    [InlineData("MyServer", "MyServer")]
    [InlineData("class", "Class")] // a keyword only in lowercase, and the code never uses the lowercase form
    public async Task TheNameNamesTheFolderAndItsPascalCaseTheCode(string name, string code)
    {
        using var temp = new TempFolder();

        var (exitCode, stdout, stderr) = await Cli.RunAsync(temp.Path, "new", name);

        Assert.True(exitCode == 0, stdout + stderr);
        Assert.True(File.Exists(temp[$"{name}/{code}.slnx"]), $"missing {name}/{code}.slnx");
        Assert.True(File.Exists(temp[$"{name}/src/{code}/{code}.csproj"]));
        Assert.True(File.Exists(temp[$"{name}/tests/{code}.Tests/{code}.Tests.csproj"]));
        var tools = await File.ReadAllTextAsync(temp[$"{name}/src/{code}/{code}Tools.cs"]);
        Assert.Contains($"namespace {code};", tools, StringComparison.Ordinal);
        Assert.Contains($"class {code}Tools", tools, StringComparison.Ordinal);
        Assert.Contains($"cd {name}", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFolderWithFilesIsLeftAloneWithoutForce()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp["MyServer"]);
        await File.WriteAllTextAsync(temp["MyServer/notes.txt"], "mine");

        var (exitCode, _, stderr) = await Cli.RunAsync(temp.Path, "new", "MyServer");

        Assert.Equal(1, exitCode);
        Assert.Contains("is not empty", stderr, StringComparison.Ordinal);
        Assert.Contains("--force", stderr, StringComparison.Ordinal);
        Assert.Equal(["notes.txt"], Directory.EnumerateFileSystemEntries(temp["MyServer"]).Select(Path.GetFileName));

        var forced = await Cli.RunAsync(temp.Path, "new", "MyServer", "--force");

        Assert.True(forced.ExitCode == 0, forced.StdOut + forced.StdErr);
        Assert.True(File.Exists(temp["MyServer/MyServer.slnx"]));
        Assert.Equal("mine", await File.ReadAllTextAsync(temp["MyServer/notes.txt"]));
    }
}
