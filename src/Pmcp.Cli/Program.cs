using System.CommandLine;
using Pmcp.Cli;
using Pmcp.Cli.Commands;

var root = CliRoot.Create();

try
{
    return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (CliException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
