namespace Pmcp.Server;

/// <summary>The input of a tool that takes no arguments.</summary>
public sealed record NoArguments;
