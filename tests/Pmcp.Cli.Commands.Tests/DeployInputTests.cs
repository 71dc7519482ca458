namespace Pmcp.Cli.Commands.Tests;

/// <summary>
/// Mistakes on the deploy commands' command lines are caught before anything is built or sent to Cloudflare, each
/// with an error that says what to do (the end-to-end deploy tests cover what needs wrangler).
/// </summary>
public sealed class DeployInputTests
{
    [Fact]
    public async Task NoBuildWithoutABundleSaysToBuildFirst()
    {
        using var project = Project();

        var (exitCode, _, stderr) = await Cli.RunAsync(project.Path, "deploy", ".", "--no-build");

        Assert.Equal(1, exitCode);
        Assert.Contains("--no-build: there is no bundle", stderr, StringComparison.Ordinal);
        Assert.Contains("dotnet pmcp deploy build first", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownEnvironmentNamesTheOnesThereAre()
    {
        using var project = Project();
        Assert.Equal(0, (await Cli.RunAsync(project.Path, "deploy", "init", ".")).ExitCode);

        var (exitCode, _, stderr) = await Cli.RunAsync(project.Path, "deploy", "outputs", ".", "--env", "qa");
        Assert.Equal(1, exitCode);
        Assert.Contains("no deployment of --env qa", stderr, StringComparison.Ordinal);

        (exitCode, _, stderr) = await Cli.RunAsync(project.Path, "deploy", "logs", ".", "--env", "qa");
        Assert.Equal(1, exitCode);
        Assert.Contains("--env qa: no such environment", stderr, StringComparison.Ordinal);
        Assert.Contains("production, staging", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogsNeedAPositiveDuration()
    {
        using var project = Project();

        var (exitCode, _, stderr) = await Cli.RunAsync(project.Path, "deploy", "logs", ".", "--duration", "0");

        Assert.Equal(1, exitCode);
        Assert.Contains("--duration takes a number of seconds above 0", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MY KEY", "cannot name a secret")]
    [InlineData("1KEY", "cannot name a secret")]
    public async Task ASecretNeedsAVariableLikeName(string name, string problem)
    {
        using var project = Project();

        var (exitCode, _, stderr) = await Cli.RunAsync(project.Path, "deploy", "secrets", "set", name, ".");

        Assert.Equal(1, exitCode);
        Assert.Contains(problem, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEmptySecretValueIsRefusedAndNotSent()
    {
        using var project = Project();

        // The test's stdin is redirected and empty, as `dotnet pmcp deploy secrets set X < /dev/null` would be.
        var (exitCode, _, stderr) = await Cli.RunAsync(project.Path, "deploy", "secrets", "set", "MCP_API_KEY", ".");

        Assert.Equal(1, exitCode);
        Assert.Contains("the value of MCP_API_KEY is empty", stderr, StringComparison.Ordinal);
        Assert.Contains("--from-env", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectTakesOneEndpoint()
    {
        using var project = Project();

        var both = await Cli.RunAsync(project.Path, "connect", ".", "--deployed", "--url", "https://example.com/mcp");
        Assert.Equal(1, both.ExitCode);
        Assert.Contains("give one of them", both.StdErr, StringComparison.Ordinal);

        var undeployed = await Cli.RunAsync(project.Path, "connect", ".", "--deployed");
        Assert.Equal(1, undeployed.ExitCode);
        Assert.Contains("no deployment of the top-level Worker", undeployed.StdErr, StringComparison.Ordinal);
        Assert.Contains("Run dotnet pmcp deploy first", undeployed.StdErr, StringComparison.Ordinal);

        var envWithoutDeployed = await Cli.RunAsync(project.Path, "connect", ".", "--env", "staging");
        Assert.Equal(1, envWithoutDeployed.ExitCode);
        Assert.Contains("--env goes with --deployed", envWithoutDeployed.StdErr, StringComparison.Ordinal);
    }

    /// <summary>A folder holding only a .csproj: enough for the commands to find a project, nothing to build.</summary>
    private static TempFolder Project()
    {
        var folder = new TempFolder();
        File.WriteAllText(folder["MyServer.csproj"], "<Project Sdk=\"Microsoft.NET.Sdk\"></Project>\n");
        return folder;
    }
}
