using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Pmcp.Server;

namespace Pmcp.Workers.Local.Hosting;

/// <summary>Finds the <see cref="IMcpServerFactory"/> in a server project's assembly (natively, where reflection is fine).</summary>
public static class ServerDiscovery
{
    [RequiresUnreferencedCode("Scans the assembly's types.")]
    public static McpServer CreateServer(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var factories = assembly.GetExportedTypes()
            .Where(t => !t.IsAbstract && t.GetInterfaces().Contains(typeof(IMcpServerFactory)))
            .ToList();
        return factories switch
        {
            [var factory] => (McpServer)factory.GetInterfaceMap(typeof(IMcpServerFactory)).TargetMethods[0].Invoke(null, null)!,
            [] => throw new InvalidOperationException(
                $"No public type in {assembly.GetName().Name} implements Pmcp.Server.IMcpServerFactory. "
                + "Add one: public sealed class MyServer : IMcpServerFactory { public static McpServer CreateServer() => ...; }"),
            _ => throw new InvalidOperationException(
                $"{assembly.GetName().Name} has {factories.Count} IMcpServerFactory types ({string.Join(", ", factories.Select(f => f.Name))}); keep exactly one."),
        };
    }
}
