using BenchmarkDotNet.Running;

// Any BenchmarkDotNet argument works: --filter '*', --job short (quick), --list flat, --exporters json.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
