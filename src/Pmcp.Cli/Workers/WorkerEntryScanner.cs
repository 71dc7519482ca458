using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Pmcp.Cli.Workers;

/// <summary>What a server project serves: an MCP server (<c>IMcpServerFactory</c>) or a Worker with its own routes (<c>IWorker</c>).</summary>
internal sealed record WorkerEntry(string TypeName, bool IsMcpServer);

/// <summary>
/// Finds the entry type in a built server assembly by reading its metadata (no loading, no reflection), so the
/// generated worker program can name it and nothing is discovered at run time inside WebAssembly.
/// </summary>
internal static class WorkerEntryScanner
{
    private const string McpFactory = "Pmcp.Server.IMcpServerFactory";
    private const string WorkerInterface = "Pmcp.Workers.IWorker";

    public static WorkerEntry Find(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var found = new List<WorkerEntry>();
        foreach (var handle in metadata.TypeDefinitions)
        {
            var type = metadata.GetTypeDefinition(handle);
            if ((type.Attributes & System.Reflection.TypeAttributes.Abstract) != 0 && (type.Attributes & System.Reflection.TypeAttributes.Sealed) == 0)
            {
                continue;
            }

            foreach (var implementation in type.GetInterfaceImplementations())
            {
                var name = InterfaceName(metadata, metadata.GetInterfaceImplementation(implementation).Interface);
                if (name is McpFactory or WorkerInterface)
                {
                    found.Add(new WorkerEntry(FullName(metadata, type), name == McpFactory));
                }
            }
        }

        var assembly = Path.GetFileNameWithoutExtension(assemblyPath);
        return found switch
        {
            [var one] => one,
            [] => throw new CliException(
                $"{assembly} has no public type implementing Pmcp.Server.IMcpServerFactory (an MCP server) or Pmcp.Workers.IWorker (your own routes). "
                + "Add one, for example: public sealed class MyServer : IMcpServerFactory { public static McpServer CreateServer() => ...; }"),
            _ => throw new CliException(
                $"{assembly} has {found.Count} entry types ({string.Join(", ", found.Select(f => f.TypeName))}); a Worker serves exactly one. Keep one."),
        };
    }

    private static string? InterfaceName(MetadataReader metadata, EntityHandle handle) => handle.Kind switch
    {
        HandleKind.TypeReference => Join(metadata.GetString(metadata.GetTypeReference((TypeReferenceHandle)handle).Namespace), metadata.GetString(metadata.GetTypeReference((TypeReferenceHandle)handle).Name)),
        HandleKind.TypeDefinition => FullName(metadata, metadata.GetTypeDefinition((TypeDefinitionHandle)handle)),
        _ => null,
    };

    private static string FullName(MetadataReader metadata, TypeDefinition type)
    {
        var name = metadata.GetString(type.Name);
        var declaring = type.GetDeclaringType();
        return declaring.IsNil
            ? Join(metadata.GetString(type.Namespace), name)
            : FullName(metadata, metadata.GetTypeDefinition(declaring)) + "." + name;
    }

    private static string Join(string ns, string name) => ns.Length == 0 ? name : ns + "." + name;
}
