namespace Pmcp.PackageTests;

/// <summary>
/// The test classes that share one <see cref="PackageFeed"/>: packing every package and installing the CLI is done
/// once for all of them (a class fixture would do it once per class). The classes run one after another.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SharedPackageFeed : ICollectionFixture<PackageFeed>
{
    public const string Name = "Packages";
}
