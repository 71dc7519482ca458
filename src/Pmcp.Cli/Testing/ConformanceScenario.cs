namespace Pmcp.Cli.Testing;

/// <summary>One scenario of the official conformance suite, as it ended against the server.</summary>
/// <param name="Name">The suite's scenario name, such as <c>tools-call-simple-text</c>.</param>
/// <param name="SpecVersion">The revision it ran for (<c>--spec-version</c>), or empty for the suite's default.</param>
/// <param name="Passed">Checks that succeeded.</param>
/// <param name="Failed">Checks that failed.</param>
/// <param name="Warnings">Checks that warned (a "should" not followed).</param>
/// <param name="Failures">Each failed check's name and message.</param>
internal sealed record ConformanceScenario(string Name, string SpecVersion, int Passed, int Failed, int Warnings, IReadOnlyList<string> Failures);
