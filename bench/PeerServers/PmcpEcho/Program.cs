// The same program `dotnet pmcp dev --native` generates, pinned to HelloWorld. Arguments: --port N (and any other host option).
return await Pmcp.Workers.Local.Hosting.NativeHostProgram.RunAsync(["--assembly", "HelloWorld", .. args]);
