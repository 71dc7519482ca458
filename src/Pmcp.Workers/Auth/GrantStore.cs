using System.Text.Json;
using Pmcp.Workers.Bindings;

namespace Pmcp.Workers.Auth;

/// <summary>
/// Where the built-in authorization server keeps registered clients, sign-ins in progress, authorization codes and
/// tokens: D1, whose reads see its writes (a code must be redeemable at once, and only once; eventually consistent KV
/// cannot promise either). Codes, tokens and CSRF values are stored only as their SHA-256; a code or refresh token is
/// consumed by a <c>DELETE</c> that only one of two racing requests can win.
/// </summary>
internal sealed class GrantStore(D1Database db)
{
    /// <summary>One statement a line: D1's <c>exec</c> runs a line at a time.</summary>
    private const string Schema =
        "CREATE TABLE IF NOT EXISTS pmcp_oauth_clients (client_id TEXT PRIMARY KEY, client_name TEXT, redirect_uris TEXT NOT NULL, metadata TEXT NOT NULL, created_at INTEGER NOT NULL);\n"
        + "CREATE TABLE IF NOT EXISTS pmcp_oauth_requests (id_hash TEXT PRIMARY KEY, client_id TEXT NOT NULL, redirect_uri TEXT NOT NULL, code_challenge TEXT NOT NULL, state TEXT, scopes TEXT NOT NULL, resource TEXT NOT NULL, upstream_verifier TEXT NOT NULL, subject TEXT, claims TEXT, csrf_hash TEXT, expires_at INTEGER NOT NULL);\n"
        + "CREATE TABLE IF NOT EXISTS pmcp_oauth_codes (code_hash TEXT PRIMARY KEY, client_id TEXT NOT NULL, redirect_uri TEXT NOT NULL, code_challenge TEXT NOT NULL, subject TEXT NOT NULL, claims TEXT NOT NULL, scopes TEXT NOT NULL, resource TEXT NOT NULL, expires_at INTEGER NOT NULL);\n"
        + "CREATE TABLE IF NOT EXISTS pmcp_oauth_tokens (token_hash TEXT PRIMARY KEY, kind TEXT NOT NULL, grant_id TEXT NOT NULL, client_id TEXT NOT NULL, subject TEXT NOT NULL, claims TEXT NOT NULL, scopes TEXT NOT NULL, resource TEXT NOT NULL, expires_at INTEGER NOT NULL);\n"
        + "CREATE INDEX IF NOT EXISTS pmcp_oauth_tokens_grant ON pmcp_oauth_tokens (grant_id);";

    /// <summary>Makes the tables if they are missing.</summary>
    public Task EnsureSchemaAsync() => db.ExecAsync(Schema);

    public Task AddClientAsync(string clientId, string? name, IReadOnlyList<string> redirectUris, string metadata, long now) =>
        db.Prepare("INSERT INTO pmcp_oauth_clients (client_id, client_name, redirect_uris, metadata, created_at) VALUES (?1, ?2, ?3, ?4, ?5)")
            .Bind(clientId, name, string.Join('\n', redirectUris), metadata, now).RunAsync();

    public async Task<RegisteredClient?> FindClientAsync(string clientId)
    {
        var row = await FirstAsync(db.Prepare("SELECT client_id, client_name, redirect_uris FROM pmcp_oauth_clients WHERE client_id = ?1").Bind(clientId)).ConfigureAwait(false);
        return row is null ? null : new RegisteredClient(row.Text("client_id")!, row.Text("client_name"), row.Text("redirect_uris")!.Split('\n'));
    }

    public Task AddRequestAsync(string idHash, PendingAuthorization request, long expiresAt) =>
        db.Prepare("INSERT INTO pmcp_oauth_requests (id_hash, client_id, redirect_uri, code_challenge, state, scopes, resource, upstream_verifier, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
            .Bind(idHash, request.ClientId, request.RedirectUri, request.CodeChallenge, request.State, request.Scopes, request.Resource, request.UpstreamVerifier, expiresAt).RunAsync();

    public async Task<PendingAuthorization?> FindRequestAsync(string idHash, long now)
    {
        var row = await FirstAsync(db.Prepare("SELECT * FROM pmcp_oauth_requests WHERE id_hash = ?1 AND expires_at > ?2").Bind(idHash, now)).ConfigureAwait(false);
        return row is null ? null : new PendingAuthorization(row.Text("client_id")!, row.Text("redirect_uri")!, row.Text("code_challenge")!, row.Text("state"),
            row.Text("scopes")!, row.Text("resource")!, row.Text("upstream_verifier")!)
        {
            Subject = row.Text("subject"),
            Claims = row.Text("claims"),
            CsrfHash = row.Text("csrf_hash"),
        };
    }

    /// <summary>Records who signed in for a request, once: a second callback for the same request changes nothing.</summary>
    public async Task<bool> SignedInAsync(string idHash, string subject, string claims, string csrfHash)
    {
        var result = await db.Prepare("UPDATE pmcp_oauth_requests SET subject = ?2, claims = ?3, csrf_hash = ?4 WHERE id_hash = ?1 AND subject IS NULL")
            .Bind(idHash, subject, claims, csrfHash).RunAsync().ConfigureAwait(false);
        return result.Meta.Changes == 1;
    }

    /// <summary>Deletes a request; true for the one caller that deleted it.</summary>
    public async Task<bool> TakeRequestAsync(string idHash) =>
        (await db.Prepare("DELETE FROM pmcp_oauth_requests WHERE id_hash = ?1").Bind(idHash).RunAsync().ConfigureAwait(false)).Meta.Changes == 1;

    public Task AddCodeAsync(string codeHash, IssuedCode code, long expiresAt) =>
        db.Prepare("INSERT INTO pmcp_oauth_codes (code_hash, client_id, redirect_uri, code_challenge, subject, claims, scopes, resource, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
            .Bind(codeHash, code.ClientId, code.RedirectUri, code.CodeChallenge, code.Subject, code.Claims, code.Scopes, code.Resource, expiresAt).RunAsync();

    /// <summary>The code, deleted: null when unknown, expired or already taken by another request.</summary>
    public async Task<IssuedCode?> TakeCodeAsync(string codeHash, long now)
    {
        var row = await FirstAsync(db.Prepare("SELECT * FROM pmcp_oauth_codes WHERE code_hash = ?1").Bind(codeHash)).ConfigureAwait(false);
        if (row is null)
        {
            return null;
        }

        // Whoever deletes the row redeems the code; a racing second request deletes nothing.
        var deleted = await db.Prepare("DELETE FROM pmcp_oauth_codes WHERE code_hash = ?1").Bind(codeHash).RunAsync().ConfigureAwait(false);
        if (deleted.Meta.Changes != 1 || row.Long("expires_at") <= now)
        {
            return null;
        }

        return new IssuedCode(row.Text("client_id")!, row.Text("redirect_uri")!, row.Text("code_challenge")!, row.Text("subject")!, row.Text("claims")!, row.Text("scopes")!, row.Text("resource")!);
    }

    /// <summary>Stores an access token and a refresh token of one grant, both hashed, in one transaction.</summary>
    public Task AddTokensAsync(string grantId, string accessHash, long accessExpires, string refreshHash, long refreshExpires, TokenGrant grant) =>
        db.BatchAsync(
        [
            InsertToken(accessHash, "access", grantId, grant, accessExpires),
            InsertToken(refreshHash, "refresh", grantId, grant, refreshExpires),
        ]);

    /// <summary>An unexpired token of <paramref name="kind"/>; null when unknown, revoked or expired.</summary>
    public async Task<StoredToken?> FindTokenAsync(string tokenHash, string kind, long now)
    {
        var row = await FirstAsync(db.Prepare("SELECT * FROM pmcp_oauth_tokens WHERE token_hash = ?1 AND kind = ?2 AND expires_at > ?3").Bind(tokenHash, kind, now)).ConfigureAwait(false);
        return row is null ? null : ToStored(row);
    }

    /// <summary>A refresh token, deleted (rotation): null when unknown, expired, or used by a racing request.</summary>
    public async Task<StoredToken?> TakeRefreshTokenAsync(string tokenHash, long now)
    {
        var row = await FirstAsync(db.Prepare("SELECT * FROM pmcp_oauth_tokens WHERE token_hash = ?1 AND kind = 'refresh'").Bind(tokenHash)).ConfigureAwait(false);
        if (row is null)
        {
            return null;
        }

        var deleted = await db.Prepare("DELETE FROM pmcp_oauth_tokens WHERE token_hash = ?1").Bind(tokenHash).RunAsync().ConfigureAwait(false);
        return deleted.Meta.Changes == 1 && row.Long("expires_at") > now ? ToStored(row) : null;
    }

    /// <summary>The grant a token (of either kind) belongs to; null when unknown.</summary>
    public async Task<StoredToken?> FindAnyTokenAsync(string tokenHash)
    {
        var row = await FirstAsync(db.Prepare("SELECT * FROM pmcp_oauth_tokens WHERE token_hash = ?1").Bind(tokenHash)).ConfigureAwait(false);
        return row is null ? null : ToStored(row);
    }

    /// <summary>Deletes every token of a grant: revoking one token of it revokes the others (RFC 7009 §2.1).</summary>
    public Task RevokeGrantAsync(string grantId) =>
        db.Prepare("DELETE FROM pmcp_oauth_tokens WHERE grant_id = ?1").Bind(grantId).RunAsync();

    /// <summary>Deletes what has expired, a few rows at a time, so tables do not grow without bound.</summary>
    public Task SweepAsync(long now) =>
        db.BatchAsync(
        [
            db.Prepare("DELETE FROM pmcp_oauth_codes WHERE code_hash IN (SELECT code_hash FROM pmcp_oauth_codes WHERE expires_at <= ?1 LIMIT 100)").Bind(now),
            db.Prepare("DELETE FROM pmcp_oauth_requests WHERE id_hash IN (SELECT id_hash FROM pmcp_oauth_requests WHERE expires_at <= ?1 LIMIT 100)").Bind(now),
            db.Prepare("DELETE FROM pmcp_oauth_tokens WHERE token_hash IN (SELECT token_hash FROM pmcp_oauth_tokens WHERE expires_at <= ?1 LIMIT 100)").Bind(now),
        ]);

    private D1PreparedStatement InsertToken(string hash, string kind, string grantId, TokenGrant grant, long expiresAt) =>
        db.Prepare("INSERT INTO pmcp_oauth_tokens (token_hash, kind, grant_id, client_id, subject, claims, scopes, resource, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
            .Bind(hash, kind, grantId, grant.ClientId, grant.Subject, grant.Claims, grant.Scopes, grant.Resource, expiresAt);

    private static StoredToken ToStored(Row row) =>
        new(row.Text("grant_id")!, row.Long("expires_at"), new TokenGrant(row.Text("client_id")!, row.Text("subject")!, row.Text("claims")!, row.Text("scopes")!, row.Text("resource")!));

    private static async Task<Row?> FirstAsync(D1PreparedStatement statement)
    {
        var raw = await statement.RawAsync().ConfigureAwait(false);
        return raw.Rows.Count == 0 ? null : new Row(raw.Columns, raw.Rows[0]);
    }

    private sealed class Row(IReadOnlyList<string> columns, JsonElement[] values)
    {
        private JsonElement Value(string column)
        {
            for (var i = 0; i < columns.Count; i++)
            {
                if (columns[i] == column)
                {
                    return values[i];
                }
            }

            throw new InvalidOperationException("No column " + column);
        }

        public string? Text(string column) => Value(column) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

        public long Long(string column) => Value(column) is { ValueKind: JsonValueKind.Number } value ? value.GetInt64() : 0;
    }
}

/// <summary>A client registered by dynamic client registration.</summary>
internal sealed record RegisteredClient(string ClientId, string? Name, IReadOnlyList<string> RedirectUris);

/// <summary>An authorization request between <c>/authorize</c> and the consent: the client's checked parameters, then who signed in.</summary>
internal sealed record PendingAuthorization(string ClientId, string RedirectUri, string CodeChallenge, string? State, string Scopes, string Resource, string UpstreamVerifier)
{
    public string? Subject { get; init; }

    public string? Claims { get; init; }

    public string? CsrfHash { get; init; }
}

/// <summary>What an authorization code stands for until it is redeemed.</summary>
internal sealed record IssuedCode(string ClientId, string RedirectUri, string CodeChallenge, string Subject, string Claims, string Scopes, string Resource);

/// <summary>What a token grants: to which client, for whom, which scopes, for which resource.</summary>
internal sealed record TokenGrant(string ClientId, string Subject, string Claims, string Scopes, string Resource);

/// <summary>A stored token's grant, its grant id (shared by the access and refresh tokens of one sign-in) and expiry.</summary>
internal sealed record StoredToken(string GrantId, long ExpiresAt, TokenGrant Grant);
