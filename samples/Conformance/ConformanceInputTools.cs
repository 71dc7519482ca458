using System.Text.Json;
using Pmcp.Protocol;
using Pmcp.Server;
using static Conformance.ConformanceServer;

namespace Conformance;

/// <summary>
/// The fixtures of the suite's 2026-07-28 scenarios that ask the client for input (input-required results, MRTR) or
/// probe stateless rules. Each handler asks through <see cref="McpRequestContext.RequestInputAsync(IReadOnlyDictionary{string, InputRequest})"/>
/// and its shorthands, so the same code also runs for earlier revisions, where the questions go out on the request's stream.
/// </summary>
internal static class ConformanceInputTools
{
    private static readonly JsonElement NameSchema = Json("""{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}""");
    private static readonly JsonElement CapitalQuestion = Json("""
        {"messages":[{"role":"user","content":{"type":"text","text":"What is the capital of France?"}}],"maxTokens":100}
        """);

    public static void Add(McpServerBuilder builder) => builder
        .Tool<string>("test_input_required_result_elicitation", "Asks the user's name, then greets them", async context =>
        {
            var answer = await context.ElicitAsync("user_name", "What is your name?", NameSchema);
            return $"Hello, {Field(answer, "name")}!";
        })
        .Tool<string>("test_input_required_result_sampling", "Asks the client's model a question", async context =>
        {
            var answer = await context.SampleAsync("capital_question", CapitalQuestion);
            return "The model answered: " + SampledText(answer);
        })
        .Tool<string>("test_input_required_result_list_roots", "Asks for the client's roots", async context =>
        {
            var answer = await context.RequestRootsAsync("client_roots");
            var uris = answer.TryGetProperty("roots", out var roots) && roots.ValueKind == JsonValueKind.Array
                ? roots.EnumerateArray().Select(r => r.TryGetProperty("uri", out var u) ? u.GetString() : null)
                : [];
            return "Client roots: " + string.Join(", ", uris);
        })
        .Tool<string>("test_input_required_result_request_state", "Asks for a confirmation and checks the state it signed", async context =>
        {
            var answer = await context.ElicitAsync("confirm", "Please confirm",
                Json("""{"type":"object","properties":{"ok":{"type":"boolean"}},"required":["ok"]}"""));
            return context.IsResumed ? $"state-ok: confirmed={Field(answer, "ok")}" : "the answer came without the request state";
        })
        .Tool<string>("test_input_required_result_multiple_inputs", "Asks a question, the model and the roots at once", async context =>
        {
            var answers = await context.RequestInputAsync(new Dictionary<string, InputRequest>
            {
                ["user_name"] = new(InputRequest.Elicitation, Json("""{"message":"What is your name?","requestedSchema":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}}""")),
                ["greeting"] = new(InputRequest.Sampling, Json("""{"messages":[{"role":"user","content":{"type":"text","text":"Generate a greeting"}}],"maxTokens":50}""")),
                ["client_roots"] = new(InputRequest.Roots, Json("{}")),
            });
            return $"name={Field(answers["user_name"], "name")}, greeting={SampledText(answers["greeting"])}, roots={answers["client_roots"].GetProperty("roots").GetArrayLength()}";
        })
        .Tool<string>("test_input_required_result_multi_round", "Asks two questions, one after the other", async context =>
        {
            var name = await context.ElicitAsync("step1", "Step 1: What is your name?", NameSchema);
            var color = await context.ElicitAsync("step2", "Step 2: What is your favorite color?",
                Json("""{"type":"object","properties":{"color":{"type":"string"}},"required":["color"]}"""));
            return $"{Field(name, "name")} likes {Field(color, "color")}";
        })
        .Tool<string>("test_input_required_result_tampered_state", "Asks for a confirmation; its state is signed", async context =>
        {
            var answer = await context.ElicitAsync("confirm", "Please confirm",
                Json("""{"type":"object","properties":{"ok":{"type":"boolean"}},"required":["ok"]}"""));
            return $"confirmed={Field(answer, "ok")}";
        })
        .Tool<string>("test_input_required_result_capabilities", "Asks the user when the client can elicit, else the model", async context =>
        {
            if (context.ClientSupports("elicitation") != false)
            {
                return "user said: " + Field(await context.ElicitAsync("user_name", "What is your name?", NameSchema), "name");
            }

            return "model said: " + SampledText(await context.SampleAsync("capital_question", CapitalQuestion));
        })
        .Tool<string>("test_missing_capability", "Needs the client's sampling capability", async context =>
            "model said: " + SampledText(await context.SampleAsync("capital_question", CapitalQuestion)))
        .Tool<string>("test_streaming_elicitation", "Asks the user; the question comes back as an input-required result", async context =>
            "Hello, " + Field(await context.ElicitAsync("user_name", "What is your name?", NameSchema), "name"))
        .Tool<string>("test_logging_tool", "Logs while it runs (sent only at the level the request asked for)", async context =>
        {
            await context.LogAsync(LoggingLevel.Info, "Logging tool started");
            await context.LogAsync(LoggingLevel.Warning, "Logging tool is about to finish");
            return "logged";
        })
        .Prompt(
            new Prompt("test_input_required_result_prompt") { Description = "A prompt that asks the user for its context first" },
            async (_, context) =>
            {
                var answer = await context.ElicitAsync("user_context", "What context should the prompt use?",
                    Json("""{"type":"object","properties":{"context":{"type":"string"}},"required":["context"]}"""));
                return new GetPromptResult([PromptMessage.User($"Answer with this context in mind: {Field(answer, "context")}")]);
            });

    /// <summary>A field of an accepted elicitation's <c>content</c>, as text; "(declined)" when the user did not accept.</summary>
    private static string Field(JsonElement elicitation, string name) =>
        elicitation.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Object && content.TryGetProperty(name, out var value)
            ? value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText()
            : "(declined)";

    private static string SampledText(JsonElement sampled) =>
        sampled.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Object && content.TryGetProperty("text", out var text)
            ? text.GetString() ?? ""
            : "";
}
