namespace Pmcp.Cli.Connect;

/// <summary>
/// What one client needs to reach the server: <see cref="Text"/> is the configuration (JSON), the command lines or the
/// settings to enter, <see cref="Where"/> says where it goes and anything to do besides. <see cref="Problem"/>, when
/// set, says why this client cannot use the endpoint as given and what to do instead; <see cref="Text"/> is then empty.
/// </summary>
internal sealed record ClientSetup(string Client, string Title, string Where, string Text, string? Problem = null);
