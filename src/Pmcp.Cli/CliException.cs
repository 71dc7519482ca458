namespace Pmcp.Cli;

/// <summary>A failure the user can fix; its message says how. The CLI prints it and exits 1, without a stack trace.</summary>
internal sealed class CliException(string message) : Exception(message);
