namespace Pmcp.Workers.DurableObjects;

/// <summary>
/// Marks a <see cref="DurableObject"/> subclass as a Durable Object class of the Worker. <c>dotnet pmcp</c> finds it in
/// the built assembly (by its metadata: nothing is scanned at run time), registers it in the generated worker program
/// and exports it from the Worker's JS entry under <see cref="ClassName"/>, the name wrangler.toml's
/// <c>class_name</c> and <c>[[migrations]]</c> use.
/// <code>
/// [DurableObject]
/// public sealed class Counter : DurableObject
/// {
///     public override async Task&lt;Response&gt; FetchAsync(Request request) { … }
/// }
/// </code>
/// </summary>
/// <param name="className">The class name Workers knows it by; null: the C# class's own name.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class DurableObjectAttribute(string? className = null) : Attribute
{
    /// <summary>The class name Workers knows the object by (wrangler.toml's <c>class_name</c>), or null for the C# class's name.</summary>
    public string? ClassName { get; } = className;
}
