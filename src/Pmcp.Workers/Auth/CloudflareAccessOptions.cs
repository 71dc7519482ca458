namespace Pmcp.Workers.Auth;

/// <summary>
/// Cloudflare Access in front of the Worker (<c>PMCP_AUTH_MODE = "access"</c>): Access signs in the user and sends
/// each request on with <c>Cf-Access-Jwt-Assertion</c>, a JWT the Worker checks against the team's keys
/// (<see cref="CloudflareAccessAuthenticator"/>).
/// </summary>
public sealed record CloudflareAccessOptions
{
    /// <summary>
    /// The team domain, such as <c>https://myteam.cloudflareaccess.com</c> (<c>myteam.cloudflareaccess.com</c> is read
    /// the same): the assertion's issuer; its keys are at <c>/cdn-cgi/access/certs</c> there.
    /// </summary>
    public required string TeamDomain { get; init; }

    /// <summary>The Access application's Application Audience (AUD) tag: the assertion's <c>aud</c> must hold it.</summary>
    public required string Audience { get; init; }

    /// <summary>The issuer as a URL: <see cref="TeamDomain"/> with <c>https://</c> when it has no scheme, without a trailing slash.</summary>
    public string Issuer => (TeamDomain.Contains("://", StringComparison.Ordinal) ? TeamDomain : "https://" + TeamDomain).TrimEnd('/');

    /// <summary>Where the team's signing keys are: <c>{Issuer}/cdn-cgi/access/certs</c>.</summary>
    public string CertsUrl => Issuer + "/cdn-cgi/access/certs";
}
