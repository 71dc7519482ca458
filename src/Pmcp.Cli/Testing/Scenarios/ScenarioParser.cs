using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Pmcp.Cli.Testing.Scenarios;

/// <summary>
/// Reads a scenarios file into its typed model, by hand from YamlDotNet's node tree (no reflection), so that every
/// mistake is reported as <c>file:line: what is wrong, and what is expected</c>.
/// </summary>
internal static class ScenarioParser
{
    /// <summary>The file's format, for error messages.</summary>
    public const string FormatHint = """
        expected:
          scenarios:
            - name: echo answers
              steps:
                - call: echo                  # a tool (or method: resources/read with params: {...})
                  arguments: { text: hello }
                  expect:
                    isError: false
                    contains: hello           # or a list of texts
                    jsonPath: { "$.structuredContent.text": hello }
                    # error: -32602           # a JSON-RPC error code instead of a result
        """;

    /// <summary>Reads <paramref name="path"/>; throws <see cref="CliException"/> naming the line of the first mistake.</summary>
    public static ScenarioFile Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new CliException($"no scenarios file {path}. Create one with: dotnet pmcp test generate <url|project-dir> -o {path}");
        }

        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses <paramref name="text"/>, read from <paramref name="path"/>.</summary>
    public static ScenarioFile Parse(string text, string path)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new CliException($"{path}:{e.Start.Line}: not valid YAML: {e.InnerException?.Message ?? e.Message}");
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new CliException($"{path}:1: the file must be a mapping with a 'scenarios' list; {FormatHint}");
        }

        var reader = new Reader(path);
        reader.OnlyKeys(root, "scenarios", "name");
        var list = reader.Required<YamlSequenceNode>(root, "scenarios", "a list of scenarios");
        var scenarios = new List<Scenario>();
        foreach (var item in list)
        {
            scenarios.Add(reader.Scenario(reader.As<YamlMappingNode>(item, "a scenario (name:, steps:)")));
        }

        return scenarios.Count == 0 ? throw new CliException($"{path}:{Line(list)}: 'scenarios' is empty; {FormatHint}") : new ScenarioFile(path, scenarios);
    }

    private static int Line(YamlNode node) => (int)node.Start.Line;

    private sealed class Reader(string path)
    {
        public Scenario Scenario(YamlMappingNode node)
        {
            OnlyKeys(node, "name", "steps");
            var name = Text(Required<YamlScalarNode>(node, "name", "the scenario's name"));
            var steps = Required<YamlSequenceNode>(node, "steps", "a list of steps");
            var parsed = steps.Select(s => Step(As<YamlMappingNode>(s, "a step (call: or method:, expect:)"))).ToList();
            return parsed.Count == 0 ? throw Error(steps, $"scenario '{name}' has no steps") : new Scenario(name, Line(node), parsed);
        }

        private ScenarioStep Step(YamlMappingNode node)
        {
            OnlyKeys(node, "call", "arguments", "method", "params", "expect");
            var call = Optional<YamlScalarNode>(node, "call", "a tool's name");
            var method = Optional<YamlScalarNode>(node, "method", "a JSON-RPC method such as resources/read");
            if ((call is null) == (method is null))
            {
                throw Error(node, "a step needs exactly one of 'call: <tool>' and 'method: <JSON-RPC method>'");
            }

            JsonObject parameters;
            string label;
            if (call is not null)
            {
                if (Optional<YamlNode>(node, "params", "") is { } stray)
                {
                    throw Error(stray, "'params' goes with 'method:'; a 'call:' step takes 'arguments:'");
                }

                var arguments = Optional<YamlMappingNode>(node, "arguments", "a mapping of the tool's arguments");
                parameters = new JsonObject { ["name"] = Text(call), ["arguments"] = arguments is null ? new JsonObject() : Json(arguments) };
                label = $"call {Text(call)}";
            }
            else
            {
                if (Optional<YamlNode>(node, "arguments", "") is { } stray)
                {
                    throw Error(stray, "'arguments' goes with 'call:'; a 'method:' step takes 'params:'");
                }

                var given = Optional<YamlMappingNode>(node, "params", "a mapping of the request's params");
                parameters = given is null ? [] : (JsonObject)Json(given)!;
                label = Text(method!);
            }

            var expect = Optional<YamlMappingNode>(node, "expect", "a mapping of expectations");
            return new ScenarioStep(Line(node), call is not null ? "tools/call" : Text(method!), parameters, label, expect is null ? new ScenarioExpectation(null, [], [], null) : Expectation(expect));
        }

        private ScenarioExpectation Expectation(YamlMappingNode node)
        {
            OnlyKeys(node, "isError", "contains", "jsonPath", "error");
            bool? isError = Optional<YamlScalarNode>(node, "isError", "true or false") is { } flag
                ? Text(flag) switch { "true" => true, "false" => false, _ => throw Error(flag, $"isError must be true or false, not '{Text(flag)}'") }
                : null;

            var contains = new List<string>();
            switch (Optional<YamlNode>(node, "contains", ""))
            {
                case YamlScalarNode one:
                    contains.Add(Text(one));
                    break;
                case YamlSequenceNode many:
                    contains.AddRange(many.Select(m => Text(As<YamlScalarNode>(m, "a text"))));
                    break;
                case { } other:
                    throw Error(other, "'contains' must be a text or a list of texts");
            }

            var paths = new List<(string, JsonNode?)>();
            if (Optional<YamlMappingNode>(node, "jsonPath", "a mapping of JSON paths ($.a.b[0]) to the values they must equal") is { } map)
            {
                foreach (var (key, value) in map.Children)
                {
                    var pathText = Text(As<YamlScalarNode>(key, "a JSON path"));
                    if (!ResultPath.IsValid(pathText))
                    {
                        throw Error(key, $"'{pathText}' is not a JSON path this runner reads: $ then .name or [index] parts, such as $.structuredContent.items[0].id");
                    }

                    paths.Add((pathText, Json(value)));
                }
            }

            int? error = null;
            if (Optional<YamlScalarNode>(node, "error", "a JSON-RPC error code such as -32602") is { } code)
            {
                error = int.TryParse(Text(code), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed)
                    ? parsed
                    : throw Error(code, $"'error' must be a JSON-RPC error code (an integer such as -32602), not '{Text(code)}'");
                if (isError is not null || contains.Count > 0 || paths.Count > 0)
                {
                    throw Error(code, "'error' expects a JSON-RPC error, which has no result: leave out isError, contains and jsonPath");
                }
            }

            return new ScenarioExpectation(isError, contains, paths, error);
        }

        public void OnlyKeys(YamlMappingNode node, params string[] allowed)
        {
            foreach (var key in node.Children.Keys)
            {
                var name = key is YamlScalarNode scalar ? scalar.Value ?? "" : "";
                if (!allowed.Contains(name, StringComparer.Ordinal))
                {
                    throw Error(key, $"unknown key '{name}' here; expected one of: {string.Join(", ", allowed)}");
                }
            }
        }

        public T Required<T>(YamlMappingNode node, string key, string what)
            where T : YamlNode =>
            Optional<T>(node, key, what) ?? throw Error(node, $"'{key}' is missing: {what}");

        public T? Optional<T>(YamlMappingNode node, string key, string what)
            where T : YamlNode =>
            node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? As<T>(value, what) : null;

        public T As<T>(YamlNode node, string what)
            where T : YamlNode =>
            node as T ?? throw Error(node, $"expected {what}, found {Kind(node)}");

        private static string Kind(YamlNode node) => node switch
        {
            YamlMappingNode => "a mapping",
            YamlSequenceNode => "a list",
            YamlScalarNode s => $"'{s.Value}'",
            _ => "something else",
        };

        private static string Text(YamlScalarNode node) => node.Value ?? "";

        private CliException Error(YamlNode node, string message) => new($"{path}:{Line(node)}: {message}");

        /// <summary>
        /// YAML to JSON: a plain (unquoted) scalar is typed as YAML 1.2's core schema types it (null, true/false,
        /// numbers), a quoted one is always a string.
        /// </summary>
        private static JsonNode? Json(YamlNode node) => node switch
        {
            YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value ?? "", Json(c.Value)))),
            YamlSequenceNode list => new JsonArray([.. list.Select(Json)]),
            YamlScalarNode { Style: ScalarStyle.Plain } scalar => scalar.Value switch
            {
                null or "" or "~" or "null" => null,
                "true" => JsonValue.Create(true),
                "false" => JsonValue.Create(false),
                var v when long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => JsonValue.Create(l),
                var v when double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
                var v => JsonValue.Create(v),
            },
            YamlScalarNode scalar => JsonValue.Create(scalar.Value ?? ""),
            _ => null,
        };
    }
}
