using System.Collections.Concurrent;

namespace Pmcp.Workers.DurableObjects;

/// <summary>
/// The Durable Object classes this Worker exports, by class name. The generated worker program registers each
/// <see cref="DurableObjectAttribute"/> class found at build time (and the native host the same classes), so nothing is
/// discovered by reflection inside WebAssembly; a hand-written program may register its own.
/// </summary>
public static class DurableObjectClasses
{
    private static readonly ConcurrentDictionary<string, Func<DurableObject>> Factories = new(StringComparer.Ordinal);

    /// <summary>Registers <typeparamref name="T"/> under <paramref name="className"/> (the C# class's name when null).</summary>
    /// <typeparam name="T">The object's class: a <see cref="DurableObject"/> with a public parameterless constructor.</typeparam>
    /// <param name="className">The name wrangler.toml's <c>class_name</c> uses.</param>
    public static void Register<T>(string? className = null) where T : DurableObject, new() =>
        Factories[className ?? typeof(T).Name] = static () => new T();

    /// <summary>The names registered.</summary>
    public static IReadOnlyCollection<string> Names => [.. Factories.Keys];

    /// <summary>A new instance of <paramref name="className"/> with its state attached.</summary>
    /// <exception cref="WorkerException">No such class is registered.</exception>
    internal static DurableObject Create(string className, DurableObjectState state)
    {
        if (!Factories.TryGetValue(className, out var factory))
        {
            throw new WorkerException(
                $"No Durable Object class '{className}' is registered: mark a DurableObject subclass with [DurableObject(\"{className}\")] (or call DurableObjectClasses.Register<T>(\"{className}\")).");
        }

        var instance = factory();
        instance.Attach(state);
        return instance;
    }
}
