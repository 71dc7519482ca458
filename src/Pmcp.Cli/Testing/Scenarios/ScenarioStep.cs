using System.Text.Json.Nodes;

namespace Pmcp.Cli.Testing.Scenarios;

/// <summary>One request of a scenario and what its answer must be.</summary>
/// <param name="Line">Its line in the file.</param>
/// <param name="Method">The JSON-RPC method: <c>tools/call</c> for a <c>call:</c> step, else the step's <c>method:</c>.</param>
/// <param name="Parameters">The request's params (for <c>call:</c>, the tool's name and arguments).</param>
/// <param name="Label">How the report names it, such as <c>call echo</c>.</param>
/// <param name="Expect">What the answer must be.</param>
internal sealed record ScenarioStep(int Line, string Method, JsonObject Parameters, string Label, ScenarioExpectation Expect);
