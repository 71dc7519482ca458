using Pmcp.Workers.Local.Bindings;

namespace Pmcp.Workers.Local.Tests;

/// <summary>Binding, database and bucket names become file names only when plainly safe; the rest are hashed.</summary>
public sealed class LocalNamesTests
{
    [Theory]
    [InlineData("CACHE")]
    [InlineData("my-bucket.v2")]
    public void APlainNameIsKept(string name) => Assert.Equal(name, LocalNames.FileName(name));

    [Theory]
    [InlineData("CACHE\n")] // .NET's '$' matches before a final "\n"; the rule is anchored with \z
    [InlineData("../escape")]
    [InlineData("a/b")]
    public void AnyOtherNameIsHashed(string name) => Assert.StartsWith("h-", LocalNames.FileName(name), StringComparison.Ordinal);
}
