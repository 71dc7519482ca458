using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Pmcp.Generators.Tests;

/// <summary>Runs the generator, then again after an edit, and tells why each output step ran the second time.</summary>
internal sealed class IncrementalRun
{
    private readonly CSharpCompilation _compilation;
    private GeneratorDriver _driver;

    private IncrementalRun(CSharpCompilation compilation, GeneratorDriver driver)
    {
        _compilation = compilation;
        _driver = driver;
    }

    public static IncrementalRun Of(string source)
    {
        var compilation = GeneratorRun.Compile(source);
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            [new ToolSetGenerator().AsSourceGenerator()],
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        return new IncrementalRun(compilation, driver.RunGenerators(compilation));
    }

    public IncrementalStepRunReason[] RerunWith(string addedSource)
    {
        _driver = _driver.RunGenerators(_compilation.AddSyntaxTrees(GeneratorRun.Parse(addedSource, "Added.cs")));
        return [.. _driver.GetRunResult().Results.Single().TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(step => step.Outputs).Select(o => o.Reason)];
    }
}
