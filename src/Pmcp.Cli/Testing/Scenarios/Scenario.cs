namespace Pmcp.Cli.Testing.Scenarios;

/// <summary>One scenario: a name and the steps to run.</summary>
/// <param name="Name">What it checks, as the report names it.</param>
/// <param name="Line">Its line in the file.</param>
/// <param name="Steps">Its steps, in order.</param>
internal sealed record Scenario(string Name, int Line, IReadOnlyList<ScenarioStep> Steps);
