using Pmcp.Testing;

namespace Pmcp.WorkerdTests;

/// <summary>What <c>dotnet pmcp dev</c> says when it cannot install wrangler (in the workerd group: it builds a test Worker too).</summary>
[Collection("workerd")]
public sealed class ToolInstallTests
{
    [Fact]
    public async Task WithoutNpmDevSaysWhatToInstall()
    {
        // A fresh tools folder and a PATH with dotnet but no Node or npm: the install cannot happen.
        var tools = Directory.CreateTempSubdirectory("pmcp-tools-");
        var dotnetDirectory = Path.GetDirectoryName(Environment.ProcessPath!)!;
        try
        {
            var environment = new Dictionary<string, string> { ["PMCP_TOOLS_DIR"] = tools.FullName, ["PATH"] = dotnetDirectory };
            var (exitCode, output) = await CliProcess.RunAsync(environment, TimeSpan.FromMinutes(5), "dev", "tests/Workers/RoutesWorker", "--port", "1");

            Assert.Equal(1, exitCode);
            Assert.Contains("npm is needed to install wrangler", output, StringComparison.Ordinal);
            Assert.Contains("Install Node.js 20 or later", output, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        }
        finally
        {
            tools.Delete(recursive: true);
        }
    }
}
