using Pmcp.Cli.Deploy;

namespace Pmcp.Cli.Tests;

/// <summary>The one-time markers that make wrangler's nested [build] skip a bundle the CLI has just built.</summary>
[Collection("environment")]
public sealed class NestedBuildTests
{
    [Fact]
    public void AMarkerNamedByTheVariableIsUsedOnceWhateverItsName()
    {
        var folder = Directory.CreateTempSubdirectory("pmcp-marker-test-").FullName;
        var marker = Path.Combine(folder, "built-by-someone-else");
        File.WriteAllText(marker, "");
        var before = Environment.GetEnvironmentVariable(NestedBuild.Variable);
        try
        {
            Environment.SetEnvironmentVariable(NestedBuild.Variable, marker);
            Assert.True(NestedBuild.Consume());
            Assert.False(NestedBuild.Consume());
        }
        finally
        {
            Environment.SetEnvironmentVariable(NestedBuild.Variable, before);
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void OneMarkerPerBundleThenBuildsRunAgain()
    {
        var before = Environment.GetEnvironmentVariable("PATH");
        using (NestedBuild.Create(bundles: 3))
        {
            Assert.True(NestedBuild.Consume());
            Assert.True(NestedBuild.Consume());
            Assert.True(NestedBuild.Consume());
            Assert.False(NestedBuild.Consume());
        }

        Assert.Equal(before, Environment.GetEnvironmentVariable("PATH"));
        Assert.False(NestedBuild.Consume());
    }
}
