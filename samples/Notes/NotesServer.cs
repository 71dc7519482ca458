using System.ComponentModel;
using System.Globalization;
using Pmcp.Protocol;
using Pmcp.Server;
using Pmcp.Workers;
using Pmcp.Workers.Bindings;

namespace Notes;

/// <summary>
/// Notes in D1 (see migrations/), searches cached in KV for five minutes (cache-aside), attachments
/// in R2. Every value reaches SQL as a bound parameter.
/// </summary>
[McpToolSet]
public sealed partial class NotesServer : IMcpServerFactory
{
    private const string VersionKey = "notes:version";

    public static McpServer CreateServer() => McpServer.CreateBuilder("notes", "1.0.0")
        .WithJsonContext(NotesJsonContext.Default)
        .WithTools<NotesServer>()
        .ResourceTemplate(
            new ResourceTemplate("notes://{id}", "note") { Description = "A note with its tags and attachments, as JSON", MimeType = "application/json" },
            async (request, context) =>
            {
                var id = long.Parse(request.Variables["id"], CultureInfo.InvariantCulture);
                var note = await LoadAsync(context.GetEnv(), id, context.CancellationToken) ?? throw McpServer.ResourceNotFound(request.Uri, context);
                return new ReadResourceResult([new TextResourceContents(request.Uri, System.Text.Json.JsonSerializer.Serialize(note, NotesJsonContext.Default.Note)) { MimeType = "application/json" }]);
            })
        .Build();

    [McpTool("create_note"), Description("Create a note, optionally with tags")]
    public static async Task<Note> CreateNote(
        [Description("The note's title")] string title,
        [Description("The note's text")] string body,
        [Description("Tags to give the note")] string[]? tags,
        Env env,
        CancellationToken cancellationToken)
    {
        var db = env.D1("DB");
        var created = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        var insert = await db.Prepare("INSERT INTO notes (title, body, created_at) VALUES (?1, ?2, ?3)").Bind(title, body, created).RunAsync(cancellationToken);
        var id = insert.Meta.LastRowId;
        if (tags is { Length: > 0 })
        {
            await db.BatchAsync(tags.Distinct().Select(t => db.Prepare("INSERT INTO note_tags (note_id, tag) VALUES (?1, ?2)").Bind(id, t)), cancellationToken);
        }

        await InvalidateSearchesAsync(env, cancellationToken);
        return (await LoadAsync(env, id, cancellationToken))!;
    }

    [McpTool("search_notes", ReadOnly = true), Description("Find notes whose title or text contains the query, optionally only those with a tag")]
    public static async Task<Note[]> SearchNotes(
        [Description("Text to look for")] string query,
        [Description("Only notes with this tag")] string? tag,
        Env env,
        CancellationToken cancellationToken)
    {
        var cache = env.Kv("CACHE");
        var version = await cache.GetTextAsync(VersionKey, cancellationToken) ?? "0";
        var cacheKey = $"search:{version}:{tag}:{query}";
        if (cacheKey.Length <= KvNamespace.MaxKeyBytes / 4
            && await cache.GetJsonAsync(cacheKey, NotesJsonContext.Default.NoteArray, cancellationToken) is { } cached)
        {
            return cached;
        }

        var rows = await env.D1("DB").Prepare("""
            SELECT n.id, n.title, n.body, n.created_at AS createdAt, group_concat(t.tag, ',') AS tags
            FROM notes n LEFT JOIN note_tags t ON t.note_id = n.id
            WHERE (n.title LIKE ?1 ESCAPE '\' OR n.body LIKE ?1 ESCAPE '\')
              AND (?2 IS NULL OR EXISTS (SELECT 1 FROM note_tags x WHERE x.note_id = n.id AND x.tag = ?2))
            GROUP BY n.id ORDER BY n.id
            """).Bind("%" + EscapeLike(query) + "%", tag).AllAsync(NotesJsonContext.Default.NoteWithTagsRow, cancellationToken);
        Note[] notes = [.. rows.Results.Select(r => new Note(r.Id, r.Title, r.Body, r.CreatedAt) { Tags = SplitTags(r.Tags) })];
        if (cacheKey.Length <= KvNamespace.MaxKeyBytes / 4)
        {
            await cache.PutJsonAsync(cacheKey, notes, NotesJsonContext.Default.NoteArray, new KvPutOptions { ExpirationTtl = 300 }, cancellationToken);
        }

        return notes;
    }

    [McpTool("tag_note", Idempotent = true), Description("Add a tag to a note")]
    public static async Task<Note> TagNote([Description("The note's id")] long id, [Description("The tag to add")] string tag, Env env, CancellationToken cancellationToken)
    {
        await RequireAsync(env, id, cancellationToken);
        await env.D1("DB").Prepare("INSERT OR IGNORE INTO note_tags (note_id, tag) VALUES (?1, ?2)").Bind(id, tag).RunAsync(cancellationToken);
        await InvalidateSearchesAsync(env, cancellationToken);
        return (await LoadAsync(env, id, cancellationToken))!;
    }

    [McpTool("attach_file"), Description("Attach a file (base64) to a note; it is stored in R2")]
    public static async Task<Note> AttachFile(
        [Description("The note's id")] long id,
        [Description("The file's name, such as plan.pdf")] string fileName,
        [Description("The file's bytes, base64-encoded")] string contentBase64,
        Env env,
        CancellationToken cancellationToken,
        [Description("The file's media type")] string contentType = "application/octet-stream")
    {
        await RequireAsync(env, id, cancellationToken);
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(contentBase64);
        }
        catch (FormatException)
        {
            throw new ToolInputException("contentBase64 is not valid base64.");
        }

        await env.Bucket("ATTACHMENTS").PutAsync(AttachmentKey(id, fileName), bytes, new R2PutOptions
        {
            HttpMetadata = new R2HttpMetadata { ContentType = contentType },
            CustomMetadata = new Dictionary<string, string> { ["noteId"] = id.ToString(CultureInfo.InvariantCulture) },
        }, cancellationToken);
        await env.D1("DB").Prepare("INSERT OR REPLACE INTO attachments (note_id, file_name, content_type, size) VALUES (?1, ?2, ?3, ?4)")
            .Bind(id, fileName, contentType, bytes.Length).RunAsync(cancellationToken);
        return (await LoadAsync(env, id, cancellationToken))!;
    }

    [McpTool("read_attachment", ReadOnly = true), Description("Read a note's attachment")]
    public static async Task<ContentBlock> ReadAttachment([Description("The note's id")] long id, [Description("The file's name")] string fileName, Env env, CancellationToken cancellationToken)
    {
        var file = await env.Bucket("ATTACHMENTS").GetAsync(AttachmentKey(id, fileName), cancellationToken: cancellationToken)
            ?? throw new ToolInputException($"Note {id} has no attachment '{fileName}'.");
        var uri = $"attachments://{id}/{fileName}";
        var contentType = file.HttpMetadata.ContentType ?? "application/octet-stream";
        return new EmbeddedResourceContent(BlobResourceContents.FromBytes(uri, await file.ReadAllBytesAsync(cancellationToken), contentType));
    }

    [McpTool("get_note", ReadOnly = true), Description("A note with its tags and attachments")]
    public static async Task<Note> GetNote([Description("The note's id")] long id, Env env, CancellationToken cancellationToken) =>
        await LoadAsync(env, id, cancellationToken) ?? throw new ToolInputException($"There is no note {id}.");

    private static async Task<Note?> LoadAsync(Env env, long id, CancellationToken cancellationToken)
    {
        var db = env.D1("DB");
        var row = await db.Prepare("""
            SELECT n.id, n.title, n.body, n.created_at AS createdAt, group_concat(t.tag, ',') AS tags
            FROM notes n LEFT JOIN note_tags t ON t.note_id = n.id WHERE n.id = ?1 GROUP BY n.id
            """).Bind(id).FirstAsync(NotesJsonContext.Default.NoteWithTagsRow, cancellationToken);
        if (row is null)
        {
            return null;
        }

        var attachments = await db.Prepare("SELECT file_name AS fileName, content_type AS contentType, size FROM attachments WHERE note_id = ?1 ORDER BY file_name")
            .Bind(id).AllAsync(NotesJsonContext.Default.AttachmentRow, cancellationToken);
        return new Note(row.Id, row.Title, row.Body, row.CreatedAt)
        {
            Tags = SplitTags(row.Tags),
            Attachments = [.. attachments.Results.Select(a => new Attachment(a.FileName, a.ContentType, a.Size))],
        };
    }

    private static async Task RequireAsync(Env env, long id, CancellationToken cancellationToken)
    {
        if (await env.D1("DB").Prepare("SELECT id FROM notes WHERE id = ?1").Bind(id).FirstValueAsync("id", cancellationToken) is null)
        {
            throw new ToolInputException($"There is no note {id}.");
        }
    }

    /// <summary>Cached searches name the version they were made at; a write moves the version on.</summary>
    private static Task InvalidateSearchesAsync(Env env, CancellationToken cancellationToken) =>
        env.Kv("CACHE").PutAsync(VersionKey, Guid.NewGuid().ToString("N"), cancellationToken: cancellationToken);

    private static string AttachmentKey(long id, string fileName) => $"notes/{id.ToString(CultureInfo.InvariantCulture)}/{fileName}";

    private static string EscapeLike(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    private static string[] SplitTags(string? tags) => tags is null ? [] : [.. tags.Split(',').Order(StringComparer.Ordinal)];
}
