namespace Pmcp.Cli.Tests;

/// <summary>The checkout, for reading the committed samples' files.</summary>
internal static class Repo
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pmcp.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the checkout (Pmcp.slnx) above " + AppContext.BaseDirectory);
    }
}
