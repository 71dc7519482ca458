namespace Pmcp.Cli.Connect;

/// <summary>
/// What one client needs to reach the server: <see cref="Text"/> is the configuration (JSON) or the command lines,
/// <see cref="Where"/> says where it goes and anything to do besides.
/// </summary>
internal sealed record ClientSetup(string Client, string Title, string Where, string Text);
