using System.CommandLine;
using Pmcp.Cli.Projects;
using Pmcp.Cli.Scaffolding;

namespace Pmcp.Cli.Commands;

/// <summary><c>dotnet pmcp new &lt;name&gt;</c>: a server project, its test project and a solution, ready to build and test.</summary>
internal static class NewCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "The server's name, which names the folder: a C# identifier such as MyServer or demo, or a kebab-case name such as my-server. The code uses its PascalCase form (MyServer, Demo)." };
        var output = new Option<DirectoryInfo?>("--output", "-o") { Description = "The folder to create the solution in. Default: ./<name>." };
        var force = new Option<bool>("--force") { Description = "Write into a folder that is not empty, replacing files of the same names." };

        var command = new Command("new", """
            Create an MCP server: a class library with the tools echo and query ([McpTool] methods, a
            JsonSerializerContext, IMcpServerFactory), an xunit test project that calls it in memory, a solution
            tying them, and a README with the next commands. `dotnet test` in the new folder passes right away.
            The same files as `dotnet new pmcp-server` (templates/pmcp-server).

            Examples:
              dotnet pmcp new MyServer                      creates ./MyServer/MyServer.slnx, src/MyServer, tests/MyServer.Tests
              dotnet pmcp new my-server                     creates ./my-server/MyServer.slnx, src/MyServer, tests/MyServer.Tests
              dotnet pmcp new demo                          creates ./demo/Demo.slnx, src/Demo, tests/Demo.Tests
              dotnet pmcp new Weather --output ~/code/weather
              dotnet pmcp new MyServer --force              write into ./MyServer even if it has files
            """)
        {
            name, output, force,
        };

        command.SetAction(parse =>
        {
            var given = parse.GetValue(name)!;
            var serverName = ProjectName.Identifier(given) ?? throw new CliException(ProjectName.Problem(given)!);
            var directory = parse.GetValue(output)?.FullName ?? Path.GetFullPath(given);
            if (File.Exists(directory))
            {
                throw new CliException($"{directory} is a file. Give a folder with --output, for example: dotnet pmcp new {serverName} --output ./{serverName}");
            }

            if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any() && !parse.GetValue(force))
            {
                throw new CliException($"{directory} is not empty. Choose another folder with --output, or add --force to write into it (files of the same names are replaced).");
            }

            var version = PmcpSources.PackageVersion;
            foreach (var (path, text) in ServerTemplate.Render(serverName, version, PmcpSources.SourceRoot))
            {
                var target = Path.Combine(directory, path);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.WriteAllText(target, text);
            }

            var relative = Path.GetRelativePath(Environment.CurrentDirectory, directory);
            var source = PmcpSources.SourceRoot is { } root ? $"the Pmcp sources in {root}" : $"the Pmcp {version} package";
            var project = $"src/{serverName}";
            (string Command, string What)[] next =
            [
                ($"cd {relative}", ""),
                ("dotnet test", "build and run the tests"),
                ($"dotnet pmcp dev {project}", "serve it on http://127.0.0.1:8787/mcp (--native: on Kestrel)"),
                ($"dotnet pmcp connect {project}", "configure Claude Code, Claude Desktop, ChatGPT, VS Code, Cursor or the MCP Inspector"),
                ($"dotnet pmcp deploy init {project} --target cloudflare-workers", "set up its deployment"),
            ];
            var width = next.Max(n => n.Command.Length) + 2;
            Console.WriteLine($"""
                Created {serverName} in {relative}, referencing {source}:
                  {serverName}.slnx
                  src/{serverName}/  the server: tools echo and query
                  tests/{serverName}.Tests/  its tests (xunit)
                  README.md

                Next:
                """);
            foreach (var (line, what) in next)
            {
                Console.WriteLine(("  " + line.PadRight(width) + what).TrimEnd());
            }

            return 0;
        });
        return command;
    }
}
