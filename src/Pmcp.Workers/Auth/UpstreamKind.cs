namespace Pmcp.Workers.Auth;

/// <summary>Where the built-in authorization server sends users to sign in.</summary>
public enum UpstreamKind
{
    /// <summary>Any OpenID Connect provider: its endpoints from <c>/.well-known/openid-configuration</c>, the user from its userinfo endpoint.</summary>
    OpenIdConnect,

    /// <summary>GitHub's OAuth apps (not OpenID Connect): the user from GitHub's REST API (<c>GET /user</c>).</summary>
    GitHub,
}
