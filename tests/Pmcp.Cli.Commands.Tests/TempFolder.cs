namespace Pmcp.Cli.Commands.Tests;

/// <summary>A fresh folder under the system's temporary folder (outside the checkout, as a user's would be), deleted afterwards.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("pmcp-cli-").FullName;

    public string this[string relative] => System.IO.Path.Combine(Path, relative);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A build server may still hold a file; the folder is temporary anyway.
        }
    }
}
