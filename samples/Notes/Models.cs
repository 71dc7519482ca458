namespace Notes;

public sealed record Note(long Id, string Title, string Body, string CreatedAt)
{
    public IReadOnlyList<string> Tags { get; init; } = [];

    public IReadOnlyList<Attachment> Attachments { get; init; } = [];
}

public sealed record Attachment(string FileName, string ContentType, long Size);

/// <summary>A note with its tags folded into one comma-separated column (group_concat); the SQL aliases columns to these names.</summary>
public sealed record NoteWithTagsRow(long Id, string Title, string Body, string CreatedAt, string? Tags);

public sealed record AttachmentRow(string FileName, string ContentType, long Size);
