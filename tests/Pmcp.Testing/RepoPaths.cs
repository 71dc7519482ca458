namespace Pmcp.Testing;

/// <summary>Folders of this checkout that the tests use.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string E2e => Path.Combine(Root, "tests", "e2e");

    private static string FindRoot()
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
