namespace Pmcp.Cli.Tests;

/// <summary>A throw-away server project folder (just a .csproj) for the deployment files to be written into.</summary>
internal sealed class TempProject : IDisposable
{
    public TempProject(string name = "MyServer")
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("pmcp-cli-").FullName;
        Name = name;
        File.WriteAllText(Path.Combine(Directory, name + ".csproj"), "<Project Sdk=\"Microsoft.NET.Sdk\"></Project>\n");
        Deploy = new Deploy.DeployProject(Directory, name);
    }

    public string Directory { get; }

    /// <summary>A project whose <c>.pmcp/workers</c> folder exists, for deploy.toml and wrangler.toml to be written into.</summary>
    public static TempProject WithWorkersFolder()
    {
        var project = new TempProject();
        System.IO.Directory.CreateDirectory(project.Deploy.WorkersDirectory);
        return project;
    }

    public string Name { get; }

    public Deploy.DeployProject Deploy { get; }

    public string DeployToml
    {
        get => File.ReadAllText(Deploy.DeployToml);
        set => File.WriteAllText(Deploy.DeployToml, value);
    }

    public string WranglerToml
    {
        get => File.ReadAllText(Deploy.WranglerToml);
        set
        {
            System.IO.Directory.CreateDirectory(Deploy.WorkersDirectory);
            File.WriteAllText(Deploy.WranglerToml, value);
        }
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
