using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Pmcp.Generators;

/// <summary>
/// A diagnostic kept as plain data: a <see cref="Location"/> holds its syntax tree, which would keep old
/// compilations alive in the incremental cache and never compare equal across runs.
/// </summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, string? FilePath, TextSpan Span, LinePositionSpan Lines, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location? location, params string[] arguments) =>
        location is { SourceTree: not null }
            ? new(descriptor, location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span, arguments.ToEquatableArray())
            : new(descriptor, null, default, default, arguments.ToEquatableArray());

    public Diagnostic ToDiagnostic() => Diagnostic.Create(
        Descriptor,
        FilePath is null ? Location.None : Location.Create(FilePath, Span, Lines),
        Arguments.Cast<object>().ToArray());
}
