using System.Text;
using System.Text.Json;

namespace Pmcp.Cli.Deploy;

/// <summary>
/// <c>deploy logs --outcome ok|error</c>: keeps the Worker's structured request lines (<c>{"mcp":…}</c>, one per MCP
/// message) whose outcome matches, on the client. wrangler's <c>--status</c> filters invocations by how they ended, and
/// a tool error, a JSON-RPC error or a refused request is an <c>ok</c> invocation; only the line knows. <c>error</c>
/// is every outcome but <c>ok</c> and <c>cancelled</c> (<c>tool_error</c>, <c>error</c>, <c>refused</c>).
/// <list type="bullet">
/// <item>pretty: wrangler prints an invocation's head line, then its console lines indented. Kept: the matching
/// request lines, each invocation's head line before its first one. The user's own lines carry the request id
/// (search for it to see the whole request).</item>
/// <item>json: wrangler prints each tail event as indented JSON. Kept whole and unchanged: the events with at least one
/// matching request line.</item>
/// </list>
/// </summary>
internal sealed class TailOutcomeFilter(string outcome, bool json)
{
    private const string Marker = "{\"mcp\":\"";

    private readonly StringBuilder _event = new();
    private string? _head;

    /// <summary>Takes one line of wrangler's output; writes what is kept.</summary>
    public void Relay(string line, TextWriter writer)
    {
        if (json)
        {
            RelayJson(line, writer);
            return;
        }

        if (!line.StartsWith(' ') && !line.StartsWith('\t'))
        {
            // An invocation's head line (or wrangler's own): shown only with a matching line of its invocation.
            _head = line;
            return;
        }

        if (LineMatches(line))
        {
            if (_head is not null)
            {
                writer.WriteLine(_head);
                _head = null;
            }

            writer.WriteLine(line);
            writer.Flush();
        }
    }

    /// <summary>Whether <paramref name="text"/> holds a structured request line whose outcome is the one asked for.</summary>
    public bool LineMatches(string text)
    {
        var at = text.IndexOf(Marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(text.AsMemory(at));
            return document.RootElement.TryGetProperty("outcome", out var value) && value.ValueKind == JsonValueKind.String
                && Matches(value.GetString()!);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private bool Matches(string lineOutcome) => outcome == "ok" ? lineOutcome == "ok" : lineOutcome is not ("ok" or "cancelled");

    private void RelayJson(string line, TextWriter writer)
    {
        if (_event.Length == 0 && line != "{")
        {
            // Not an event (wrangler's own words): passed through.
            writer.WriteLine(line);
            writer.Flush();
            return;
        }

        _event.AppendLine(line);
        if (line != "}")
        {
            return;
        }

        var text = _event.ToString();
        _event.Clear();
        if (EventMatches(text))
        {
            writer.Write(text);
            writer.Flush();
        }
    }

    /// <summary>Whether a tail event (<c>trace-v1</c>) has a console line that is a matching request line.</summary>
    private bool EventMatches(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            if (!document.RootElement.TryGetProperty("logs", out var logs) || logs.ValueKind != JsonValueKind.Array)
            {
                return false;
            }

            foreach (var log in logs.EnumerateArray())
            {
                if (log.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Array)
                {
                    foreach (var part in message.EnumerateArray())
                    {
                        if (part.ValueKind == JsonValueKind.String && LineMatches(part.GetString()!))
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
