namespace Pmcp.Cli.Testing;

/// <summary>One row of the report: what was checked, how it ended, why, and what to do about it.</summary>
/// <param name="Name">A stable name such as <c>http.origin</c> or <c>2025-11-25 tools/call echo (valid)</c>.</param>
/// <param name="Outcome">Pass, warn, fail or skip.</param>
/// <param name="Reason">What was seen.</param>
/// <param name="Fix">What to change when it did not pass; empty when it did.</param>
internal sealed record CheckResult(string Name, CheckOutcome Outcome, string Reason, string Fix = "");
