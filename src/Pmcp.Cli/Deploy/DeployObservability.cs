using System.Globalization;
using Tomlyn.Model;

namespace Pmcp.Cli.Deploy;

/// <summary>
/// <c>[workers.observability]</c> in deploy.toml: whether Cloudflare keeps the Worker's logs in Workers Logs, and the
/// share of requests whose logs it keeps. Written to wrangler.toml as <c>[observability]</c>.
/// </summary>
internal sealed record DeployObservability(bool Enabled, double? HeadSamplingRate)
{
    /// <summary>What <c>deploy init</c> writes for a new project: logs kept for every request.</summary>
    public static DeployObservability Default { get; } = new(true, 1);

    /// <summary>The two keys this record decides, in wrangler.toml's <c>[observability]</c> as in deploy.toml.</summary>
    public static readonly string[] Keys = ["enabled", "head_sampling_rate"];

    /// <summary>The table's lines (without its header).</summary>
    public string Lines() =>
        TomlText.Line("enabled", Enabled) + (HeadSamplingRate is { } rate ? TomlText.Line("head_sampling_rate", rate) : "");

    /// <summary>The values of a wrangler.toml <c>[observability]</c> table, or null when it sets neither key validly.</summary>
    public static DeployObservability? FromWrangler(TomlTable table)
    {
        var enabled = table.TryGetValue("enabled", out var e) && e is bool on ? on : (bool?)null;
        var rate = table.TryGetValue("head_sampling_rate", out var r) ? Rate(r) : null;
        return enabled is null && rate is null ? null : new DeployObservability(enabled ?? true, rate);
    }

    /// <summary>A sampling rate from 0 to 1 (TOML gives 1 as an integer), or null.</summary>
    public static double? Rate(object? value) => value switch
    {
        double d when d is >= 0 and <= 1 => d,
        long l when l is 0 or 1 => l,
        _ => null,
    };

    /// <summary>How the rate reads in messages.</summary>
    public override string ToString() =>
        $"enabled = {(Enabled ? "true" : "false")}{(HeadSamplingRate is { } rate ? $", head_sampling_rate = {rate.ToString(CultureInfo.InvariantCulture)}" : "")}";
}
