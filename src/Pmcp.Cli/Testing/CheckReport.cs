using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Spectre.Console;

namespace Pmcp.Cli.Testing;

/// <summary>Writes the checks' results as a table (text), JSON, or JUnit XML that CI systems read.</summary>
internal static class CheckReport
{
    /// <summary>The exit code: 0 when nothing failed (and, with <paramref name="strict"/>, nothing warned), else 1.</summary>
    public static int ExitCode(IReadOnlyList<CheckResult> results, bool strict) =>
        results.Any(r => r.Outcome == CheckOutcome.Fail || (strict && r.Outcome == CheckOutcome.Warn)) ? 1 : 0;

    /// <summary>A Spectre.Console table and a summary line.</summary>
    public static void WriteText(IAnsiConsole console, string target, IReadOnlyList<CheckResult> results, string title = "dotnet pmcp test check")
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"{Markup.Escape(title)} {Markup.Escape(target)}");
        table.AddColumn("Result");
        table.AddColumn("Check");
        table.AddColumn("Reason");
        table.AddColumn("Fix");
        foreach (var result in results)
        {
            var label = result.Outcome switch
            {
                CheckOutcome.Pass => "[green]pass[/]",
                CheckOutcome.Warn => "[yellow]warn[/]",
                CheckOutcome.Fail => "[red]FAIL[/]",
                _ => "[grey]skip[/]",
            };
            table.AddRow(new Markup(label), new Text(result.Name), new Text(result.Reason), new Text(result.Fix));
        }

        if (Console.IsOutputRedirected)
        {
            // A CI log or a file: no terminal width to fit, and 80 columns would cut every reason into slivers.
            console.Profile.Width = Math.Max(console.Profile.Width, 200);
        }

        console.Write(table);
        console.WriteLine(Summary(results));
    }

    /// <summary>One line: how many passed, warned, failed and were skipped.</summary>
    public static string Summary(IReadOnlyList<CheckResult> results) =>
        $"{Count(results, CheckOutcome.Pass)} passed, {Count(results, CheckOutcome.Warn)} warned, {Count(results, CheckOutcome.Fail)} failed, {Count(results, CheckOutcome.Skip)} skipped";

    /// <summary>The results as a JSON document: the target, the counts and every check.</summary>
    public static string ToJson(string target, IReadOnlyList<CheckResult> results, bool strict)
    {
        var checks = new JsonArray();
        foreach (var result in results)
        {
            checks.Add(new JsonObject
            {
                ["name"] = result.Name,
                ["outcome"] = result.Outcome.ToString().ToLowerInvariant(),
                ["reason"] = result.Reason,
                ["fix"] = result.Fix,
            });
        }

        var document = new JsonObject
        {
            ["target"] = target,
            ["passed"] = Count(results, CheckOutcome.Pass),
            ["warned"] = Count(results, CheckOutcome.Warn),
            ["failed"] = Count(results, CheckOutcome.Fail),
            ["skipped"] = Count(results, CheckOutcome.Skip),
            ["exitCode"] = ExitCode(results, strict),
            ["checks"] = checks,
        };
        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>
    /// JUnit XML: one test case per check; a failure element for a fail (and for a warn with <paramref name="strict"/>),
    /// a skipped element for a skip; a warn that does not fail is reported in system-out.
    /// </summary>
    public static string ToJUnit(string target, IReadOnlyList<CheckResult> results, bool strict, string suiteName = "dotnet pmcp test check", string className = "pmcp.check")
    {
        var failures = results.Count(r => r.Outcome == CheckOutcome.Fail || (strict && r.Outcome == CheckOutcome.Warn));
        var suite = new XElement("testsuite",
            new XAttribute("name", suiteName + " " + target),
            new XAttribute("tests", results.Count),
            new XAttribute("failures", failures),
            new XAttribute("errors", 0),
            new XAttribute("skipped", Count(results, CheckOutcome.Skip)));
        foreach (var result in results)
        {
            var testCase = new XElement("testcase", new XAttribute("classname", className), new XAttribute("name", result.Name));
            if (result.Outcome == CheckOutcome.Fail || (strict && result.Outcome == CheckOutcome.Warn))
            {
                testCase.Add(new XElement("failure", new XAttribute("message", result.Reason), $"{result.Reason}\nFix: {result.Fix}"));
            }
            else if (result.Outcome == CheckOutcome.Skip)
            {
                testCase.Add(new XElement("skipped", new XAttribute("message", result.Reason)));
            }
            else
            {
                testCase.Add(new XElement("system-out", result.Outcome == CheckOutcome.Warn ? $"warn: {result.Reason}\nFix: {result.Fix}" : result.Reason));
            }

            suite.Add(testCase);
        }

        return new XDocument(new XDeclaration("1.0", "utf-8", null), new XElement("testsuites", suite)).Declaration + "\n" + new XElement("testsuites", suite);
    }

    private static int Count(IReadOnlyList<CheckResult> results, CheckOutcome outcome) => results.Count(r => r.Outcome == outcome);
}
