using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Spectre.Console;

namespace Pmcp.Cli.Testing;

/// <summary>The conformance suite's scenarios as a table (text), JSON, or JUnit XML that CI systems read.</summary>
internal static class ConformanceReport
{
    /// <summary>0 when no check of any scenario failed, else 1.</summary>
    public static int ExitCode(IReadOnlyList<ConformanceScenario> scenarios) => scenarios.Any(s => s.Failed > 0) ? 1 : 0;

    /// <summary>One row per scenario: its checks passed and failed, its warnings, and what failed.</summary>
    public static void WriteText(IAnsiConsole console, string target, IReadOnlyList<ConformanceScenario> scenarios)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"dotnet pmcp test conformance {Markup.Escape(target)}");
        table.AddColumn("Result");
        table.AddColumn("Scenario");
        table.AddColumn("Spec version");
        table.AddColumn(new TableColumn("Passed").RightAligned());
        table.AddColumn(new TableColumn("Failed").RightAligned());
        table.AddColumn(new TableColumn("Warnings").RightAligned());
        table.AddColumn("Failed checks");
        foreach (var scenario in scenarios)
        {
            var label = scenario.Failed > 0 ? "[red]FAIL[/]" : scenario.Warnings > 0 ? "[yellow]warn[/]" : "[green]pass[/]";
            table.AddRow(new Markup(label), new Text(scenario.Name), new Text(scenario.SpecVersion.Length > 0 ? scenario.SpecVersion : "default"),
                new Text(scenario.Passed.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Text(scenario.Failed.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Text(scenario.Warnings.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Text(string.Join("\n", scenario.Failures)));
        }

        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = Math.Max(console.Profile.Width, 200);
        }

        console.Write(table);
        console.WriteLine(Summary(scenarios));
    }

    /// <summary>One line: scenarios passed and failed, and the checks behind them.</summary>
    public static string Summary(IReadOnlyList<ConformanceScenario> scenarios) =>
        $"{scenarios.Count(s => s.Failed == 0)} of {scenarios.Count} scenarios passed ({scenarios.Sum(s => s.Passed)} checks passed, {scenarios.Sum(s => s.Failed)} failed, {scenarios.Sum(s => s.Warnings)} warnings)";

    /// <summary>The scenarios as a JSON document.</summary>
    public static string ToJson(string target, IReadOnlyList<ConformanceScenario> scenarios)
    {
        var list = new JsonArray();
        foreach (var scenario in scenarios)
        {
            list.Add(new JsonObject
            {
                ["scenario"] = scenario.Name,
                ["specVersion"] = scenario.SpecVersion.Length > 0 ? scenario.SpecVersion : null,
                ["outcome"] = scenario.Failed > 0 ? "fail" : scenario.Warnings > 0 ? "warn" : "pass",
                ["checksPassed"] = scenario.Passed,
                ["checksFailed"] = scenario.Failed,
                ["warnings"] = scenario.Warnings,
                ["failures"] = new JsonArray([.. scenario.Failures.Select(f => (JsonNode?)f)]),
            });
        }

        return new JsonObject
        {
            ["target"] = target,
            ["passed"] = scenarios.Count(s => s.Failed == 0),
            ["failed"] = scenarios.Count(s => s.Failed > 0),
            ["exitCode"] = ExitCode(scenarios),
            ["scenarios"] = list,
        }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>JUnit XML: one test case per scenario (and spec version), a failure element listing its failed checks.</summary>
    public static string ToJUnit(string target, IReadOnlyList<ConformanceScenario> scenarios)
    {
        var suite = new XElement("testsuite",
            new XAttribute("name", "dotnet pmcp test conformance " + target),
            new XAttribute("tests", scenarios.Count),
            new XAttribute("failures", scenarios.Count(s => s.Failed > 0)),
            new XAttribute("errors", 0),
            new XAttribute("skipped", 0));
        foreach (var scenario in scenarios)
        {
            var testCase = new XElement("testcase",
                new XAttribute("classname", "pmcp.conformance" + (scenario.SpecVersion.Length > 0 ? "." + scenario.SpecVersion : "")),
                new XAttribute("name", scenario.Name));
            var counts = $"{scenario.Passed} checks passed, {scenario.Failed} failed, {scenario.Warnings} warnings";
            testCase.Add(scenario.Failed > 0
                ? new XElement("failure", new XAttribute("message", counts), string.Join("\n", scenario.Failures))
                : new XElement("system-out", counts));
            suite.Add(testCase);
        }

        return new XDeclaration("1.0", "utf-8", null) + "\n" + new XElement("testsuites", suite);
    }
}
