using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Pmcp.Cli.Workers;

/// <summary>
/// What a server project serves: an MCP server (<c>IMcpServerFactory</c>) or a Worker with its own routes (<c>IWorker</c>),
/// and the Durable Object classes it exports.
/// </summary>
internal sealed record WorkerEntry(string TypeName, bool IsMcpServer)
{
    /// <summary>The <c>[DurableObject]</c> classes, in metadata order.</summary>
    public IReadOnlyList<DurableObjectClass> DurableObjects { get; init; } = [];
}

/// <summary>A Durable Object class: its C# type and the class name Workers knows it by.</summary>
internal sealed record DurableObjectClass(string TypeName, string ClassName);

/// <summary>
/// Finds the entry type in a built server assembly by reading its metadata (no loading, no reflection), so the
/// generated worker program can name it and nothing is discovered at run time inside WebAssembly.
/// </summary>
internal static partial class WorkerEntryScanner
{
    private const string McpFactory = "Pmcp.Server.IMcpServerFactory";
    private const string WorkerInterface = "Pmcp.Workers.IWorker";
    private const string DurableObjectAttribute = "Pmcp.Workers.DurableObjects.DurableObjectAttribute";

    public static WorkerEntry Find(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var found = new List<WorkerEntry>();
        var objects = new List<DurableObjectClass>();
        foreach (var handle in metadata.TypeDefinitions)
        {
            var type = metadata.GetTypeDefinition(handle);
            if (DurableObjectName(metadata, type) is { } className)
            {
                objects.Add(new DurableObjectClass(FullName(metadata, type), className));
            }

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
        if (objects.GroupBy(o => o.ClassName, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } clash)
        {
            throw new CliException($"{assembly} has {clash.Count()} Durable Object classes named '{clash.Key}' ({string.Join(", ", clash.Select(c => c.TypeName))}); give each its own name: [DurableObject(\"Name\")].");
        }

        if (objects.FirstOrDefault(o => !JsIdentifier().IsMatch(o.ClassName)) is { } bad)
        {
            throw new CliException($"{bad.TypeName}'s Durable Object class name '{bad.ClassName}' is not a JavaScript identifier (the Worker exports the class under it); use letters, digits, '_' and '$', not starting with a digit.");
        }

        return found switch
        {
            [var one] => one with { DurableObjects = objects },
            [] => throw new CliException(
                $"{assembly} has no public type implementing Pmcp.Server.IMcpServerFactory (an MCP server) or Pmcp.Workers.IWorker (your own routes). "
                + "Add one, for example: public sealed class MyServer : IMcpServerFactory { public static McpServer CreateServer() => ...; }"),
            _ => throw new CliException(
                $"{assembly} has {found.Count} entry types ({string.Join(", ", found.Select(f => f.TypeName))}); a Worker serves exactly one. Keep one."),
        };
    }

    /// <summary>
    /// The class name of a type marked <c>[DurableObject]</c> (the attribute's argument, or the type's own name), or null
    /// for other types. The attribute's blob is read by hand: prolog 0x0001, then the string argument (0xFF for null).
    /// </summary>
    private static string? DurableObjectName(MetadataReader metadata, TypeDefinition type)
    {
        foreach (var handle in type.GetCustomAttributes())
        {
            var attribute = metadata.GetCustomAttribute(handle);
            if (attribute.Constructor.Kind != HandleKind.MemberReference)
            {
                continue;
            }

            var parent = metadata.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent;
            if (parent.Kind != HandleKind.TypeReference || InterfaceName(metadata, parent) != DurableObjectAttribute)
            {
                continue;
            }

            var blob = metadata.GetBlobReader(attribute.Value);
            var named = blob.Length >= 3 && blob.ReadUInt16() == 1 ? blob.ReadSerializedString() : null;
            return named ?? metadata.GetString(type.Name);
        }

        return null;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z_$][A-Za-z0-9_$]*\\z")]
    private static partial System.Text.RegularExpressions.Regex JsIdentifier();

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
