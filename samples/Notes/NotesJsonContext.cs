using System.Text.Json;
using System.Text.Json.Serialization;

namespace Notes;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Note))]
[JsonSerializable(typeof(Note[]))]
[JsonSerializable(typeof(NoteWithTagsRow))]
[JsonSerializable(typeof(AttachmentRow))]
[JsonSerializable(typeof(Attachment))]
internal sealed partial class NotesJsonContext : JsonSerializerContext;
