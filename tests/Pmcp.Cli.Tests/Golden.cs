using System.Runtime.CompilerServices;

namespace Pmcp.Cli.Tests;

/// <summary>Compares text with a committed file under Golden/; <c>PMCP_UPDATE_GOLDEN=1</c> writes the file instead.</summary>
internal static class Golden
{
    public static void Matches(string name, string actual, [CallerFilePath] string caller = "")
    {
        var path = Path.Combine(Path.GetDirectoryName(caller)!, "Golden", name);
        if (Environment.GetEnvironmentVariable("PMCP_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"No golden file {path}; run the tests once with PMCP_UPDATE_GOLDEN=1 and review it.");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), actual);
    }
}
