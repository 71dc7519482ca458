using Pmcp.Testing;

namespace Pmcp.Cli.Commands.Tests;

[Collection(SerialBuilds.Name)]
public sealed class NewCommandTests
{
    [Fact]
    public async Task CreatesASolutionWhoseTestsPassRightAway()
    {
        using var temp = new TempFolder();

        var (exitCode, stdout, stderr) = await Cli.RunAsync(temp.Path, "new", "Weather");

        Assert.True(exitCode == 0, stdout + stderr);
        Assert.Contains("dotnet pmcp dev src/Weather", stdout, StringComparison.Ordinal);
        foreach (var file in new[]
        {
            "Weather.slnx", "README.md", "Directory.Build.props", "Directory.Packages.props", ".gitignore",
            "src/Weather/Weather.csproj", "src/Weather/WeatherTools.cs", "src/Weather/WeatherJsonContext.cs", "src/Weather/Models.cs",
            "tests/Weather.Tests/Weather.Tests.csproj", "tests/Weather.Tests/ToolsTests.cs", "tests/Weather.Tests/McpClient.cs",
        })
        {
            Assert.True(File.Exists(temp[Path.Combine("Weather", file)]), $"missing {file}");
        }

        // From this checkout the server references its sources, with the source generator as an analyzer.
        var project = await File.ReadAllTextAsync(temp["Weather/src/Weather/Weather.csproj"]);
        Assert.Contains($"""<ProjectReference Include="{Path.Combine(RepoPaths.Root, "src", "Pmcp", "Pmcp.csproj")}" />""", project, StringComparison.Ordinal);
        Assert.Contains("""Pmcp.Generators.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />""", project, StringComparison.Ordinal);
        Assert.DoesNotContain("PmcpServer", await File.ReadAllTextAsync(temp["Weather/src/Weather/WeatherTools.cs"]), StringComparison.Ordinal);

        var test = await TestProcess.RunAsync("dotnet", ["test"], temp["Weather"], TimeSpan.FromMinutes(5));
        Assert.True(test.ExitCode == 0, test.StdOut + test.StdErr);
        Assert.Contains("Passed!", test.StdOut, StringComparison.Ordinal);
        Assert.Contains("Total:     4", test.StdOut, StringComparison.Ordinal);
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
    [InlineData("class", "is a C# keyword", "dotnet pmcp new Class")]
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

    [Fact]
    public async Task AKebabCaseNameNamesTheFolderAndItsPascalCaseTheCode()
    {
        using var temp = new TempFolder();

        var (exitCode, stdout, stderr) = await Cli.RunAsync(temp.Path, "new", "my-server");

        Assert.True(exitCode == 0, stdout + stderr);
        Assert.True(File.Exists(temp["my-server/MyServer.slnx"]));
        Assert.True(File.Exists(temp["my-server/src/MyServer/MyServer.csproj"]));
        Assert.Contains("namespace MyServer;", await File.ReadAllTextAsync(temp["my-server/src/MyServer/MyServerTools.cs"]), StringComparison.Ordinal);
        Assert.Contains("cd my-server", stdout, StringComparison.Ordinal);
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
