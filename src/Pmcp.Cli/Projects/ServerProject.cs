using Pmcp.Cli.Processes;

namespace Pmcp.Cli.Projects;

/// <summary>A user's server project: a class library whose one <c>IMcpServerFactory</c> builds the server.</summary>
internal sealed record ServerProject(FileInfo ProjectFile)
{
    public string Directory => ProjectFile.DirectoryName!;

    public string Name => Path.GetFileNameWithoutExtension(ProjectFile.Name);

    /// <summary>Where Pmcp keeps what it generates for this project and the user never edits (inside obj/, so no build globs it).</summary>
    public string GeneratedDirectory(string purpose) => Path.Combine(Directory, "obj", "pmcp", purpose);

    /// <summary>Finds the project in a folder (or takes the .csproj given); prints why not and returns null when it can't.</summary>
    public static ServerProject? Find(FileSystemInfo location)
    {
        if (location is DirectoryInfo { Exists: false } && File.Exists(location.FullName))
        {
            location = new FileInfo(location.FullName);
        }

        if (location is FileInfo file || (location.Extension == ".csproj" && File.Exists(location.FullName)))
        {
            return new ServerProject(new FileInfo(location.FullName));
        }

        if (!System.IO.Directory.Exists(location.FullName))
        {
            Console.Error.WriteLine($"error: no folder {location.FullName}. Give the server project's folder, for example: dotnet pmcp dev samples/HelloWorld --native");
            return null;
        }

        var projects = System.IO.Directory.GetFiles(location.FullName, "*.csproj");
        switch (projects.Length)
        {
            case 1:
                return new ServerProject(new FileInfo(projects[0]));
            case 0:
                Console.Error.WriteLine($"error: no .csproj in {location.FullName}. Give the server project's folder, or create one with: dotnet pmcp new my-server");
                return null;
            default:
                Console.Error.WriteLine($"error: {location.FullName} has {projects.Length} projects; name the one to serve, for example: dotnet pmcp dev {Path.GetRelativePath(Environment.CurrentDirectory, projects[0])} --native");
                return null;
        }
    }

    /// <summary>Asks MSBuild for the assembly name (it may differ from the file name).</summary>
    public async Task<string> GetAssemblyNameAsync(CancellationToken cancellationToken)
    {
        var result = await ChildProcess.RunAsync("dotnet", ["msbuild", ProjectFile.FullName, "-getProperty:AssemblyName", "-nologo"], Directory, cancellationToken);
        var name = result.Output.Trim();
        return result.ExitCode == 0 && name.Length > 0 ? name : Name;
    }
}
