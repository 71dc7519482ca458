using Pmcp.Cli.Deploy;
using Tomlyn;
using Tomlyn.Model;

namespace Pmcp.Cli.Tests;

/// <summary>
/// <c>[workers.observability]</c> in deploy.toml decides wrangler.toml's <c>[observability]</c> (Workers Logs); one
/// written by hand in wrangler.toml before that is moved into deploy.toml, not overwritten.
/// </summary>
public sealed class ObservabilityConfigTests
{
    private const string DeployTomlWithout = """
        [workers]
        name = "my-mcp-server"
        compatibility_date = "2024-01-01"

        [workers.vars]
        ENVIRONMENT = "development"
        """;

    [Fact]
    public void DeployTomlDecidesEnabledAndTheSamplingRateAndTheOtherKeysStay()
    {
        using var project = TempProject.WithWorkersFolder();
        project.DeployToml = DeployTomlWithout + "\n\n[workers.observability]\nenabled = false\nhead_sampling_rate = 0.25\n";
        project.WranglerToml = """
            name = "my-mcp-server"

            [observability]
            enabled = true
            head_sampling_rate = 1
            # kept: not decided by deploy.toml
            logs.invocation_logs = false

            [observability.traces]
            enabled = true
            """;

        project.Deploy.SyncWrangler();

        var observability = Table(Parse(project.WranglerToml), "observability");
        Assert.Equal(false, observability["enabled"]);
        Assert.Equal(0.25, observability["head_sampling_rate"]);
        Assert.Equal(false, Table(observability, "logs")["invocation_logs"]);
        Assert.Equal(true, Table(observability, "traces")["enabled"]);
    }

    [Fact]
    public void AHandWrittenObservabilityMovesIntoDeployTomlWithItsValuesAndTheRestOfDeployTomlStays()
    {
        using var project = TempProject.WithWorkersFolder();
        var before = DeployTomlWithout + "\n# a comment of the user's\n";
        project.DeployToml = before;
        project.WranglerToml = """
            name = "my-mcp-server"

            [observability]
            enabled = true
            head_sampling_rate = 0.1

            [observability.logs]
            invocation_logs = false
            """;

        var change = project.Deploy.SyncWrangler();

        Assert.NotNull(change);
        Assert.Contains("moved [observability] (enabled = true, head_sampling_rate = 0.1)", change, StringComparison.Ordinal);
        Assert.StartsWith(before, project.DeployToml, StringComparison.Ordinal);
        var config = DeployConfigReader.Load(project.Deploy.DeployToml, "deploy.toml");
        Assert.Equal(new DeployObservability(true, 0.1), config.Observability);

        var observability = Table(Parse(project.WranglerToml), "observability");
        Assert.Equal(0.1, observability["head_sampling_rate"]);
        Assert.Equal(false, Table(observability, "logs")["invocation_logs"]);

        // Moved once: the next sync finds it in deploy.toml and changes nothing.
        var deployToml = project.DeployToml;
        var wranglerToml = project.WranglerToml;
        Assert.Null(project.Deploy.SyncWrangler());
        Assert.Equal(deployToml, project.DeployToml);
        Assert.Equal(wranglerToml, project.WranglerToml);
    }

    [Fact]
    public void WithoutEitherNothingIsWritten()
    {
        using var project = TempProject.WithWorkersFolder();
        project.DeployToml = DeployTomlWithout;
        project.Deploy.SyncWrangler();
        Assert.False(Parse(project.WranglerToml).ContainsKey("observability"));
        Assert.Equal(DeployTomlWithout, project.DeployToml);
    }

    [Fact]
    public void ANewProjectKeepsItsLogs()
    {
        using var project = TempProject.WithWorkersFolder();
        project.Deploy.Init(force: false);
        Assert.Equal(DeployObservability.Default, DeployConfigReader.Load(project.Deploy.DeployToml, "deploy.toml").Observability);
        Assert.Equal(true, Table(Parse(project.WranglerToml), "observability")["enabled"]);
    }

    [Theory]
    [InlineData("head_sampling_rate = 2", "head_sampling_rate is the share of requests whose logs are kept, from 0 to 1")]
    [InlineData("sampling = 0.5", "unknown key [workers.observability] sampling")]
    public void MistakesSayWhatToWrite(string line, string message)
    {
        using var project = TempProject.WithWorkersFolder();
        project.DeployToml = DeployTomlWithout + $"\n\n[workers.observability]\n{line}\n";
        var error = Assert.Throws<CliException>(() => project.Deploy.SyncWrangler());
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }


    private static TomlTable Parse(string toml) => TomlSerializer.Deserialize<TomlTable>(toml)!;

    private static TomlTable Table(TomlTable parent, string key) => Assert.IsType<TomlTable>(parent[key]);
}
