namespace Pmcp.Cli.Testing;

/// <summary>How one check of <c>dotnet pmcp test check</c> ended.</summary>
internal enum CheckOutcome
{
    /// <summary>The server did what the specification requires.</summary>
    Pass,

    /// <summary>A "should" of the specification, or a doubt: reported, fails the run only with <c>--strict</c>.</summary>
    Warn,

    /// <summary>A "must" broken, or the server unusable: the run exits non-zero.</summary>
    Fail,

    /// <summary>Not run, and why (a tool with side effects against a remote server, a revision not spoken).</summary>
    Skip,
}
