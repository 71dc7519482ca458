namespace Pmcp.Cli.Commands.Tests;

/// <summary>Tests that build the checkout's projects (Pmcp, its generator) run one at a time, so no two builds share obj/.</summary>
[CollectionDefinition(Name)]
public sealed class SerialBuilds
{
    public const string Name = "builds";
}
