using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pmcp.Cli.Deploy;

/// <summary>
/// <c>.pmcp/deploy-outputs.json</c>: the last deploy of each environment, written by <c>deploy</c>, read by
/// <c>deploy outputs</c> and <c>connect</c>, and cleared by <c>deploy destroy</c>. It holds no secret.
/// </summary>
internal static class DeployOutputsFile
{
    public static string PathIn(string projectDirectory) => Path.Combine(projectDirectory, ".pmcp", "deploy-outputs.json");

    public static IReadOnlyList<DeployOutput> Load(string projectDirectory)
    {
        var path = PathIn(projectDirectory);
        if (!File.Exists(path))
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), DeployOutputsJsonContext.Default.DeployOutputs)?.Deployments ?? [];
        }
        catch (JsonException e)
        {
            throw new CliException($"{DeployProject.Display(path)} is not valid JSON ({e.Message}). Delete it and run dotnet pmcp deploy again to record the deployment afresh.");
        }
    }

    /// <summary>Records <paramref name="output"/>, replacing the same environment's previous record.</summary>
    public static void Record(string projectDirectory, DeployOutput output) =>
        Save(projectDirectory, [.. Load(projectDirectory).Where(d => d.Environment != output.Environment), output]);

    /// <summary>Forgets an environment's deployment; true if one was recorded.</summary>
    public static bool Forget(string projectDirectory, string? environment)
    {
        var all = Load(projectDirectory);
        var kept = all.Where(d => d.Environment != environment).ToList();
        if (kept.Count == all.Count)
        {
            return false;
        }

        Save(projectDirectory, kept);
        return true;
    }

    private static void Save(string projectDirectory, IReadOnlyList<DeployOutput> deployments)
    {
        var path = PathIn(projectDirectory);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var ordered = deployments.OrderBy(d => d.Environment is null ? "" : "~" + d.Environment, StringComparer.Ordinal).ToList();
        // Written beside and moved into place: an interrupted write never leaves half a file.
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(new DeployOutputs(ordered), DeployOutputsJsonContext.Default.DeployOutputs) + "\n");
        File.Move(temporary, path, overwrite: true);
    }
}

internal sealed record DeployOutputs(IReadOnlyList<DeployOutput> Deployments);

[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DeployOutputs))]
[JsonSerializable(typeof(DeployOutput))]
internal sealed partial class DeployOutputsJsonContext : JsonSerializerContext;
