using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Pmcp.Generators;

/// <summary>
/// Generates, for each <c>[McpToolSet]</c> class, the <c>IMcpToolSet</c> implementation that describes and binds its
/// <c>[McpTool]</c> methods, so that nothing about them is reflected over at run time.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class ToolSetGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var toolSets = context.SyntaxProvider.ForAttributeWithMetadataName(
            Attributes.ToolSet,
            static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
            static (attributed, cancellationToken) =>
                ToolSetParser.Parse((INamedTypeSymbol)attributed.TargetSymbol, (TypeDeclarationSyntax)attributed.TargetNode, cancellationToken));

        context.RegisterSourceOutput(toolSets, static (output, result) =>
        {
            foreach (var diagnostic in result.Diagnostics)
            {
                output.ReportDiagnostic(diagnostic.ToDiagnostic());
            }

            if (result.Model is { } model)
            {
                output.AddSource(model.HintName, ToolSetEmitter.Emit(model));
            }
        });

        var strayTools = context.SyntaxProvider.ForAttributeWithMetadataName(
                Attributes.Tool,
                static (node, _) => node is MethodDeclarationSyntax,
                static (attributed, _) => ToolSetParser.StrayTool((IMethodSymbol)attributed.TargetSymbol))
            .Where(static diagnostic => diagnostic is not null);

        context.RegisterSourceOutput(strayTools, static (output, diagnostic) => output.ReportDiagnostic(diagnostic!.ToDiagnostic()));
    }
}
