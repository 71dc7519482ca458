using System.Text.Json.Nodes;
using Pmcp.Testing;
using static Pmcp.Testing.McpClientDriver;

namespace Pmcp.WorkerdTests;

/// <summary>
/// The Notes sample (D1, KV and R2) in workerd through the official client; then dev restarts and nothing is lost.
/// In the workerd group: it builds and serves a Worker too.
/// </summary>
[Collection("workerd")]
public sealed class NotesInWorkerdTests
{
    private static readonly string[] ShoppingTag = ["shopping"];

    [Fact]
    public async Task NotesSurviveARestartOfDev()
    {
        var marker = "note-" + Guid.NewGuid().ToString("N")[..8];
        var file = Convert.ToBase64String("hello attachment"u8.ToArray());
        JsonObject created;
        await using (var first = await RunningWorker.StartAsync("samples/Notes"))
        {
            var run = await RunAsync(first.McpUrl, [
                Op("callTool", new { name = "create_note", arguments = new { title = marker, body = "Buy milk and 50% cream", tags = ShoppingTag } }),
            ]);
            created = run.Result(0)["structuredContent"]!.AsObject();
            var id = created["id"]!.GetValue<long>();

            var more = await RunAsync(first.McpUrl, [
                Op("callTool", new { name = "attach_file", arguments = new { id, fileName = "list.txt", contentBase64 = file, contentType = "text/plain" } }),
                Op("callTool", new { name = "tag_note", arguments = new { id, tag = "home" } }),
                Op("callTool", new { name = "search_notes", arguments = new { query = marker } }),
                Op("callTool", new { name = "search_notes", arguments = new { query = "50%", tag = "home" } }),
                Op("callTool", new { name = "search_notes", arguments = new { query = marker, tag = "nope" } }),
            ]);

            Assert.Equal("list.txt", more.Result(0)["structuredContent"]!["attachments"]![0]!["fileName"]!.GetValue<string>());
            Assert.Equal(["home", "shopping"], more.Result(1)["structuredContent"]!["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
            Assert.Equal(marker, more.Result(2)["structuredContent"]!["result"]![0]!["title"]!.GetValue<string>());
            Assert.Contains(more.Result(3)["structuredContent"]!["result"]!.AsArray(), n => n!["title"]!.GetValue<string>() == marker);
            Assert.Empty(more.Result(4)["structuredContent"]!["result"]!.AsArray());
        }

        await using var second = await RunningWorker.StartAsync("samples/Notes");
        var after = await RunAsync(second.McpUrl, [
            Op("callTool", new { name = "get_note", arguments = new { id = created["id"]!.GetValue<long>() } }),
            Op("callTool", new { name = "read_attachment", arguments = new { id = created["id"]!.GetValue<long>(), fileName = "list.txt" } }),
        ]);

        var note = after.Result(0)["structuredContent"]!;
        Assert.Equal(marker, note["title"]!.GetValue<string>());
        Assert.Equal(["home", "shopping"], note["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal(file, after.Result(1)["content"]![0]!["resource"]!["blob"]!.GetValue<string>());
    }
}
