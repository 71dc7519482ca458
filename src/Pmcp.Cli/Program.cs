using System.CommandLine;
using Pmcp.Cli;
using Pmcp.Cli.Commands;
using Pmcp.Cli.Processes;

var root = CliRoot.Create();

try
{
    // Ctrl+C, SIGINT and SIGTERM cancel the command's token; System.CommandLine exits on its own only after this long,
    // which leaves dev the time to stop wrangler and workerd, or the native host, before it returns.
    var invocation = new InvocationConfiguration
    {
        EnableDefaultExceptionHandler = false,
        ProcessTerminationTimeout = ChildProcess.StopGrace + TimeSpan.FromSeconds(5),
    };
    return await root.Parse(args).InvokeAsync(invocation);
}
catch (CliException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
