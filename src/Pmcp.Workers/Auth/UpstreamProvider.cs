using System.Text;

namespace Pmcp.Workers.Auth;

/// <summary>
/// The identity provider users sign in with when the built-in authorization server asks who they are. Its client
/// secret is a Worker secret (<c>dotnet pmcp deploy secrets set PMCP_OAUTH_UPSTREAM_CLIENT_SECRET</c>) and never
/// printed.
/// </summary>
public sealed record UpstreamProvider
{
    /// <summary>GitHub's web address, where its OAuth app endpoints live.</summary>
    public const string GitHubUrl = "https://github.com";

    /// <summary>GitHub's REST API.</summary>
    public const string GitHubApiUrl = "https://api.github.com";

    /// <summary>OpenID Connect or GitHub.</summary>
    public required UpstreamKind Kind { get; init; }

    /// <summary>
    /// For OpenID Connect, the provider's issuer (discovery at <c>{issuer}/.well-known/openid-configuration</c>); for
    /// GitHub, its web address (<see cref="GitHubUrl"/> unless GitHub Enterprise or a local stand-in).
    /// </summary>
    public required string Url { get; init; }

    /// <summary>For GitHub, its REST API (<see cref="GitHubApiUrl"/> by default); unused for OpenID Connect.</summary>
    public string ApiUrl { get; init; } = GitHubApiUrl;

    /// <summary>This server's client id at the provider.</summary>
    public required string ClientId { get; init; }

    /// <summary>This server's client secret at the provider (a secret: never printed).</summary>
    public required string ClientSecret { get; init; }

    /// <summary>The scopes asked of the provider: <c>openid email profile</c> for OpenID Connect, <c>read:user user:email</c> for GitHub.</summary>
    public string Scope => Kind == UpstreamKind.GitHub ? "read:user user:email" : "openid email profile";

    /// <summary>Prints everything but the secret.</summary>
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Kind = ").Append(Kind)
            .Append(", Url = ").Append(Url)
            .Append(", ApiUrl = ").Append(ApiUrl)
            .Append(", ClientId = ").Append(ClientId)
            .Append(", ClientSecret = (set)");
        return true;
    }
}
