using System.ComponentModel;
using System.Reflection;
using Pmcp.Server;

namespace Pmcp.Tests;

/// <summary>What only generated code calls lives in <c>Pmcp.Server.Generated</c>, not hidden among the API users call.</summary>
public sealed class ApiSurfaceTests
{
    private const string GeneratedNamespace = "Pmcp.Server.Generated";

    private static readonly Type[] Exported = typeof(McpServer).Assembly.GetExportedTypes();

    private static bool Hidden(MemberInfo member) =>
        member.GetCustomAttribute<EditorBrowsableAttribute>() is { State: EditorBrowsableState.Never };

    [Fact]
    public void TheGeneratedNamespaceHoldsOnlyHiddenTypes()
    {
        var generated = Exported.Where(t => t.Namespace == GeneratedNamespace).ToArray();

        Assert.NotEmpty(generated);
        Assert.All(generated, t => Assert.True(Hidden(t), $"{t.FullName} is not [EditorBrowsable(Never)]"));
    }

    [Fact]
    public void NothingOutsideTheGeneratedNamespaceIsHidden()
    {
        const BindingFlags declared = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var hidden = Exported
            .Where(t => t.Namespace != GeneratedNamespace)
            .SelectMany(t => Hidden(t) ? [t.FullName!] : t.GetMembers(declared).Where(Hidden).Select(m => $"{t.FullName}.{m.Name}"))
            .ToArray();

        Assert.Empty(hidden);
    }

    [Fact]
    public void TheBuilderOffersNoToolOverloadForGeneratedCode() =>
        Assert.DoesNotContain(
            typeof(McpServerBuilder).GetMethods(BindingFlags.Public | BindingFlags.Instance),
            m => m.GetParameters() is [{ ParameterType: var p }] && p == typeof(Func<System.Text.Json.JsonSerializerOptions, ToolRegistration>));
}
