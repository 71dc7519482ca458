namespace Pmcp.Cli.Testing.Scenarios;

/// <summary>A scenarios file (<c>scenarios.yaml</c>): named scenarios, each a list of steps run in order in one session.</summary>
/// <param name="Path">Where it was read from, for messages.</param>
/// <param name="Scenarios">The scenarios, in file order.</param>
internal sealed record ScenarioFile(string Path, IReadOnlyList<Scenario> Scenarios);
