// Writes generation after generation of one KV value, one D1 pair of rows or one R2 object, printing "wrote N" after
// each write returns, until it is killed. Usage: FaultHelper kv|d1|r2 <folder> <first generation> [<R2 generation to
// stop halfway through>].
using System.Globalization;
using Pmcp.Workers.Local.FaultHelper;

var kind = args[0];
var folder = args[1];
var generation = long.Parse(args[2], CultureInfo.InvariantCulture);
long? pauseAt = args.Length > 3 ? long.Parse(args[3], CultureInfo.InvariantCulture) : null;
await using var writer = Generations.Open(kind, folder, pauseAt);
while (true)
{
    await writer.WriteAsync(generation);
    Console.Out.WriteLine($"wrote {generation}");
    Console.Out.Flush();
    generation++;
}
