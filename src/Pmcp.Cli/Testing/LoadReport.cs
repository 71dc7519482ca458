using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Spectre.Console;

namespace Pmcp.Cli.Testing;

/// <summary>What a load run measured: requests, throughput, latency percentiles, and errors by kind.</summary>
/// <param name="Request">What each request was, such as <c>tools/call echo</c>.</param>
/// <param name="Concurrency">Requests in flight at once.</param>
/// <param name="Elapsed">How long it ran.</param>
/// <param name="LatenciesMs">Every successful request's latency, in milliseconds, sorted.</param>
/// <param name="Errors">Failed requests by kind (<c>HTTP 503</c>, <c>JSON-RPC -32603</c>, <c>tool isError</c>, <c>timeout</c>, …).</param>
internal sealed record LoadReport(string Request, int Concurrency, TimeSpan Elapsed, IReadOnlyList<double> LatenciesMs, IReadOnlyDictionary<string, int> Errors)
{
    /// <summary>All requests that finished, successful or not.</summary>
    public int Total => LatenciesMs.Count + Errors.Values.Sum();

    /// <summary>Requests per second over the run.</summary>
    public double Throughput => Elapsed.TotalSeconds > 0 ? Total / Elapsed.TotalSeconds : 0;

    /// <summary>The share of requests that failed, 0 to 1.</summary>
    public double ErrorRate => Total == 0 ? 0 : (double)Errors.Values.Sum() / Total;

    /// <summary>The latency below which <paramref name="percent"/> % of the successful requests finished (nearest rank).</summary>
    public double Percentile(double percent) =>
        LatenciesMs.Count == 0 ? 0 : LatenciesMs[Math.Clamp((int)Math.Ceiling(percent / 100 * LatenciesMs.Count) - 1, 0, LatenciesMs.Count - 1)];

    /// <summary>0 when the error rate is at most <paramref name="maxErrorRate"/> and some request succeeded, else 1.</summary>
    public int ExitCode(double maxErrorRate) => LatenciesMs.Count > 0 && ErrorRate <= maxErrorRate ? 0 : 1;

    /// <summary>A table of the measures and one of the errors.</summary>
    public void WriteText(IAnsiConsole console, string target)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"dotnet pmcp test load {Markup.Escape(target)}");
        table.AddColumn("Measure");
        table.AddColumn(new TableColumn("Value").RightAligned());
        table.AddRow("request", Markup.Escape(Request));
        table.AddRow("concurrency", Number(Concurrency));
        table.AddRow("duration", $"{Elapsed.TotalSeconds:0.0} s");
        table.AddRow("requests", Number(Total));
        table.AddRow("throughput", $"{Throughput:0.0} req/s");
        table.AddRow("latency p50", $"{Percentile(50):0.0} ms");
        table.AddRow("latency p90", $"{Percentile(90):0.0} ms");
        table.AddRow("latency p99", $"{Percentile(99):0.0} ms");
        table.AddRow("errors", $"{Errors.Values.Sum()} ({ErrorRate * 100:0.##} %)");
        foreach (var (kind, count) in Errors.OrderByDescending(e => e.Value))
        {
            table.AddRow(Markup.Escape("  " + kind), Number(count));
        }

        console.Write(table);
    }

    /// <summary>The measures as JSON.</summary>
    public string ToJson(string target, double maxErrorRate) => new JsonObject
    {
        ["target"] = target,
        ["request"] = Request,
        ["concurrency"] = Concurrency,
        ["durationSeconds"] = Math.Round(Elapsed.TotalSeconds, 3),
        ["requests"] = Total,
        ["throughput"] = Math.Round(Throughput, 1),
        ["latencyMs"] = new JsonObject { ["p50"] = Math.Round(Percentile(50), 2), ["p90"] = Math.Round(Percentile(90), 2), ["p99"] = Math.Round(Percentile(99), 2) },
        ["errors"] = new JsonObject(Errors.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)e.Value))),
        ["errorRate"] = Math.Round(ErrorRate, 4),
        ["exitCode"] = ExitCode(maxErrorRate),
    }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    /// <summary>JUnit XML: one test case, failed when the error rate is above <paramref name="maxErrorRate"/>.</summary>
    public string ToJUnit(string target, double maxErrorRate)
    {
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"{Total} requests, {Throughput:0.0} req/s, p50 {Percentile(50):0.0} ms, p90 {Percentile(90):0.0} ms, p99 {Percentile(99):0.0} ms, errors: {(Errors.Count == 0 ? "none" : string.Join(", ", Errors.Select(e => $"{e.Key} x{e.Value}")))}");
        var testCase = new XElement("testcase", new XAttribute("classname", "pmcp.load"), new XAttribute("name", Request));
        testCase.Add(ExitCode(maxErrorRate) != 0
            ? new XElement("failure", new XAttribute("message", $"error rate {ErrorRate * 100:0.##} % above {maxErrorRate * 100:0.##} %"), summary)
            : new XElement("system-out", summary));
        var suite = new XElement("testsuite", new XAttribute("name", "dotnet pmcp test load " + target), new XAttribute("tests", 1),
            new XAttribute("failures", ExitCode(maxErrorRate)), new XAttribute("errors", 0), new XAttribute("skipped", 0), testCase);
        return new XDeclaration("1.0", "utf-8", null) + "\n" + new XElement("testsuites", suite);
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
