namespace Pmcp.Cli.Deploy;

/// <summary>
/// The wrangler.toml sections every .NET Worker needs, whatever deploy.toml says: <c>[define]</c> and <c>[alias]</c>
/// for .NET's loader, and the module <c>[[rules]]</c> (dotnet.native.wasm compiled by wrangler, assemblies as data).
/// The same text as <see cref="Workers.WranglerConfig.Default"/> writes for projects without deploy.toml.
/// </summary>
internal static class LoaderSections
{
    /// <summary>The glob that makes the start-up image (<see cref="Workers.StartupImage"/>) a Data module.</summary>
    public const string ImageGlob = "**/snapshot/*.bin";

    public static readonly KeyValuePair<string, string>[] Define = [new("import.meta.url", "\"file:///bundle/_framework/dotnet.js\"")];

    public static readonly KeyValuePair<string, string>[] Alias =
    [
        new("process", "./build/worker/pmcp/node-stub.mjs"),
        new("module", "./build/worker/pmcp/node-stub.mjs"),
    ];

    public const string Rules = """
        # dotnet.native.wasm is compiled by wrangler (workerd forbids compiling wasm at run time);
        # the assemblies and the start-up image (snapshot/) are plain data the runtime reads.
        [[rules]]
        type = "CompiledWasm"
        globs = ["**/dotnet.native.wasm"]
        fallthrough = false

        [[rules]]
        type = "Data"
        globs = ["**/_framework/*.wasm", "**/snapshot/*.bin"]
        fallthrough = false

        [[rules]]
        type = "ESModule"
        globs = ["**/*.mjs", "**/_framework/*.js"]
        fallthrough = true

        """;
}
