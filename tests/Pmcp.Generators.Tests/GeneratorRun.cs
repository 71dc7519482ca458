using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Pmcp.Server;

namespace Pmcp.Generators.Tests;

/// <summary>Compiles C# source with the generator, as the compiler would, and reads what it produced.</summary>
internal sealed class GeneratorRun
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    [
        .. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(path) is "mscorlib.dll" or "netstandard.dll")
            .Select(path => MetadataReference.CreateFromFile(path)),
        MetadataReference.CreateFromFile(typeof(McpServer).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(Pmcp.Workers.Env).Assembly.Location),
    ]);

    private GeneratorRun(Compilation output, ImmutableArray<Diagnostic> generatorDiagnostics, ImmutableArray<SyntaxTree> generated)
    {
        Output = output;
        GeneratorDiagnostics = generatorDiagnostics;
        Generated = generated;
    }

    /// <summary>The compilation with the generated sources added.</summary>
    public Compilation Output { get; }

    public ImmutableArray<Diagnostic> GeneratorDiagnostics { get; }

    public ImmutableArray<SyntaxTree> Generated { get; }

    public string GeneratedText => string.Join("\n", Generated.Select(t => t.ToString()));

    /// <summary>The ids of the generator's diagnostics, in order.</summary>
    public string[] Ids => [.. GeneratorDiagnostics.Select(d => d.Id)];

    public static GeneratorRun Of(string source)
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new ToolSetGenerator());
        driver = driver.RunGeneratorsAndUpdateCompilation(Compile(source), out var output, out var diagnostics);
        return new GeneratorRun(output, diagnostics, driver.GetRunResult().GeneratedTrees);
    }

    /// <summary>A library of <paramref name="source"/> (with common usings), nullable enabled, referencing the runtime and Pmcp.</summary>
    public static CSharpCompilation Compile(string source) => CSharpCompilation.Create(
        "Sample",
        [Parse("using System; using System.Collections.Generic; using System.ComponentModel; using System.Threading; using System.Threading.Tasks;\n"
            + "using System.Text.Json; using System.Text.Json.Serialization; using Pmcp.Protocol; using Pmcp.Server;\n" + source, "Tools.cs")],
        References.Value,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static SyntaxTree Parse(string source, string path) =>
        CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), path: path);

    /// <summary>Compiler errors and warnings of the whole program, generated code included.</summary>
    public Diagnostic[] CompilationProblems =>
        [.. Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning)];

    /// <summary>Asserts that the generator reported nothing and everything compiles without warnings.</summary>
    public GeneratorRun AssertClean()
    {
        Assert.Empty(GeneratorDiagnostics);
        Assert.True(CompilationProblems.Length == 0, string.Join("\n", CompilationProblems.Select(d => d.ToString())) + "\n" + GeneratedText);
        return this;
    }

    /// <summary>The schema the generator computed, read from its constant <c>__Pmcp_{method}_{which}Schema</c>.</summary>
    public JsonElement Schema(string type, string method, string which = "Input")
    {
        var symbol = Output.GetTypeByMetadataName(type) ?? throw new InvalidOperationException($"no type {type}");
        var field = symbol.GetMembers($"__Pmcp_{method}_{which}Schema").OfType<IFieldSymbol>().Single();
        using var document = JsonDocument.Parse((string)field.ConstantValue!);
        return document.RootElement.Clone();
    }

    public bool HasSchema(string type, string method, string which) =>
        Output.GetTypeByMetadataName(type)!.GetMembers($"__Pmcp_{method}_{which}Schema").Length > 0;
}
