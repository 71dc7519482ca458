using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Pmcp.Server;
using Pmcp.Workers.DurableObjects;

namespace Pmcp.Workers.Local.Hosting;

/// <summary>
/// Finds a server project's entry type natively (where reflection is fine) and registers it the way the generated
/// worker program does inside workerd: <see cref="Worker.ServeMcp{TServer}"/> for an <see cref="IMcpServerFactory"/>,
/// <see cref="Worker.Serve{TWorker}"/> for an <see cref="IWorker"/>. Both hosts then call the same entry.
/// </summary>
public static class WorkerEntryDiscovery
{
    /// <summary>Registers the assembly's one entry type and returns it.</summary>
    /// <exception cref="InvalidOperationException">The assembly has no entry type, or more than one.</exception>
    [RequiresUnreferencedCode("Scans the assembly's types.")]
    [RequiresDynamicCode("Makes Worker.ServeMcp<T> or Worker.Serve<T> for the type it finds.")]
    public static Type Register(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var entries = new List<(Type Type, bool IsMcpServer)>();
        foreach (var type in assembly.GetTypes())
        {
            // As the CLI's scan for the worker program (WorkerEntryScanner): classes and structs, static ones included.
            if (type.IsInterface || (type.IsAbstract && !type.IsSealed))
            {
                continue;
            }

            foreach (var implemented in type.GetInterfaces())
            {
                if (implemented == typeof(IMcpServerFactory) || implemented == typeof(IWorker))
                {
                    entries.Add((type, implemented == typeof(IMcpServerFactory)));
                }
            }
        }

        var name = assembly.GetName().Name;
        var (entry, isMcpServer) = entries switch
        {
            [var one] => one,
            [] => throw new InvalidOperationException(
                $"{name} has no public type implementing Pmcp.Server.IMcpServerFactory (an MCP server) or Pmcp.Workers.IWorker (your own routes). "
                + "Add one, for example: public sealed class MyServer : IMcpServerFactory { public static McpServer CreateServer() => ...; }"),
            _ => throw new InvalidOperationException(
                $"{name} has {entries.Count} entry types ({string.Join(", ", entries.Select(e => e.Type.FullName))}); a Worker serves exactly one. Keep one."),
        };

        RegisterDurableObjects(assembly);
        var register = typeof(Worker).GetMethod(isMcpServer ? nameof(Worker.ServeMcp) : nameof(Worker.Serve), 1, BindingFlags.Public | BindingFlags.Static, null, Type.EmptyTypes, null)!;
        register.MakeGenericMethod(entry).Invoke(null, null);
        return entry;
    }

    /// <summary>
    /// Registers the assembly's <see cref="DurableObjectAttribute"/> classes by their class names, as the generated
    /// worker program does inside workerd (the CLI's WorkerEntryScanner finds the same classes).
    /// </summary>
    [RequiresUnreferencedCode("Scans the assembly's types.")]
    [RequiresDynamicCode("Makes DurableObjectClasses.Register<T> for the types it finds.")]
    public static IReadOnlyList<string> RegisterDurableObjects(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var names = new List<string>();
        var register = typeof(DurableObjectClasses).GetMethod(nameof(DurableObjectClasses.Register), BindingFlags.Public | BindingFlags.Static)!;
        foreach (var type in assembly.GetTypes())
        {
            if (type.GetCustomAttribute<DurableObjectAttribute>(inherit: false) is not { } attribute)
            {
                continue;
            }

            if (!type.IsSubclassOf(typeof(DurableObject)) || type.IsAbstract || type.GetConstructor(Type.EmptyTypes) is null)
            {
                throw new InvalidOperationException($"{type.FullName} is marked [DurableObject] but is not a concrete DurableObject subclass with a public parameterless constructor.");
            }

            var name = attribute.ClassName ?? type.Name;
            register.MakeGenericMethod(type).Invoke(null, [name]);
            names.Add(name);
        }

        return names;
    }
}
