using Notes;
using Pmcp.Testing;
using Pmcp.Workers;
using Pmcp.Workers.Local.Bindings;
using static Pmcp.Testing.McpClientDriver;

namespace Pmcp.IntegrationTests;

/// <summary>The Notes sample on the native host with local D1, KV and R2; the server restarts and nothing is lost.</summary>
public sealed class NotesNativeTests
{
    private static readonly string[] HomeTag = ["home"];

    [Fact]
    public async Task NotesSurviveARestartOfTheNativeHost()
    {
        var project = CopyOfNotesProject();
        try
        {
            long id;
            var file = Convert.ToBase64String("native attachment"u8.ToArray());
            await using (var first = await StartAsync(project))
            {
                var run = await RunAsync(first.McpUrl, [
                    Op("callTool", new { name = "create_note", arguments = new { title = "Groceries", body = "eggs_and 100% juice", tags = HomeTag } }),
                ]);
                id = run.Result(0)["structuredContent"]!["id"]!.GetValue<long>();
                var more = await RunAsync(first.McpUrl, [
                    Op("callTool", new { name = "attach_file", arguments = new { id, fileName = "a/b.txt", contentBase64 = file } }),
                    Op("callTool", new { name = "search_notes", arguments = new { query = "100%" } }),
                    Op("callTool", new { name = "search_notes", arguments = new { query = "s_a" } }),
                    Op("callTool", new { name = "get_note", arguments = new { id = 9999 } }),
                ]);
                Assert.Equal("a/b.txt", more.Result(0)["structuredContent"]!["attachments"]![0]!["fileName"]!.GetValue<string>());
                Assert.Single(more.Result(1)["structuredContent"]!["result"]!.AsArray());
                Assert.Single(more.Result(2)["structuredContent"]!["result"]!.AsArray());
                Assert.True(more.Result(3)["isError"]!.GetValue<bool>());
            }

            await using var second = await StartAsync(project);
            var after = await RunAsync(second.McpUrl, [
                Op("callTool", new { name = "get_note", arguments = new { id } }),
                Op("callTool", new { name = "read_attachment", arguments = new { id, fileName = "a/b.txt" } }),
            ]);

            Assert.Equal("Groceries", after.Result(0)["structuredContent"]!["title"]!.GetValue<string>());
            Assert.Equal(["home"], after.Result(0)["structuredContent"]!["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
            Assert.Equal(file, after.Result(1)["content"]![0]!["resource"]!["blob"]!.GetValue<string>());
        }
        finally
        {
            Directory.Delete(project, recursive: true);
        }
    }

    private static async Task<NativeServerWithEnv> StartAsync(string project)
    {
        var source = LocalEnvSource.Load(project);
        await source.ApplyMigrationsAsync();
        var server = await NativeServer.StartAsync(NotesServer.CreateServer(), o => o.Env = new Env(source));
        return new NativeServerWithEnv(server, source);
    }

    /// <summary>The sample's wrangler.toml and migrations in a temporary project folder, so state starts empty.</summary>
    private static string CopyOfNotesProject()
    {
        var project = Directory.CreateTempSubdirectory("pmcp-notes-").FullName;
        var source = Path.Combine(RepoPaths.Root, "samples", "Notes");
        Directory.CreateDirectory(Path.Combine(project, ".pmcp", "workers"));
        File.Copy(Path.Combine(source, ".pmcp", "workers", "wrangler.toml"), Path.Combine(project, ".pmcp", "workers", "wrangler.toml"));
        Directory.CreateDirectory(Path.Combine(project, "migrations"));
        foreach (var migration in Directory.GetFiles(Path.Combine(source, "migrations")))
        {
            File.Copy(migration, Path.Combine(project, "migrations", Path.GetFileName(migration)));
        }

        return project;
    }

    private sealed class NativeServerWithEnv(NativeServer server, LocalEnvSource source) : IAsyncDisposable
    {
        public string McpUrl => server.McpUrl;

        public async ValueTask DisposeAsync()
        {
            await server.DisposeAsync();
            source.Dispose();
        }
    }
}
