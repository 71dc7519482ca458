namespace Pmcp.Cli.Projects;

/// <summary>Writes generated files only when their text changed, so incremental builds stay incremental.</summary>
internal static class GeneratedFile
{
    public static void Write(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (!File.Exists(path) || File.ReadAllText(path) != text)
        {
            File.WriteAllText(path, text);
        }
    }
}
