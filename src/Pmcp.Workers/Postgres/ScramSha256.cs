using System.Security.Cryptography;
using System.Text;
using Pmcp.Workers.Crypto;

namespace Pmcp.Workers.Postgres;

/// <summary>
/// The client side of SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL runs it: no channel binding (there is no TLS),
/// and the user name in the messages is ignored by the server, which uses the startup packet's ("*", as node-postgres
/// and postgres.js send). The password is used as UTF-8 without SASLprep, which is the same for any ASCII password.
/// </summary>
internal sealed class ScramSha256
{
    public const string Mechanism = "SCRAM-SHA-256";

    // PBKDF2 with the server's 4096+ iterations is the costly step: ~100 ms of CPU in the interpreter inside workerd, so
    // it runs through SubtleCrypto (workerd's crypto.subtle, native code). A connection per query repeats it with the
    // same password, salt and count, so the last result is kept too (the password sits in the binding's memory anyway).
    private static readonly Lock CacheLock = new();
    private static (string Password, string Salt, int Iterations, byte[] Salted)? _cache;

    private readonly string _password;
    private readonly string _clientFirstBare;
    private readonly string _clientNonce;
    private byte[]? _serverSignature;

    public ScramSha256(string password, string user = "*", string? clientNonce = null)
    {
        _password = password;
        _clientNonce = clientNonce ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
        _clientFirstBare = $"n={user},r={_clientNonce}";
    }

    /// <summary>The client-first message: no channel binding ("n,,"), the user and a fresh nonce.</summary>
    public string ClientFirstMessage() => "n,," + _clientFirstBare;

    /// <summary>Answers the server-first message with the client-final message carrying the proof.</summary>
    public async Task<string> ClientFinalMessageAsync(string serverFirst, int maxIterations = 100_000)
    {
        if (_serverSignature is not null)
        {
            throw new WorkerException("PostgreSQL sent a second SCRAM-SHA-256 challenge; the server does not follow the protocol.");
        }

        var nonce = Attribute(serverFirst, 'r');
        var saltText = Attribute(serverFirst, 's');
        var iterationsText = Attribute(serverFirst, 'i');
        if (nonce is null || saltText is null || iterationsText is null || !int.TryParse(iterationsText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var iterations) || iterations < 1)
        {
            throw new WorkerException($"PostgreSQL's SCRAM-SHA-256 challenge is malformed: {serverFirst}");
        }

        if (iterations > maxIterations)
        {
            throw new WorkerException(
                $"PostgreSQL's SCRAM-SHA-256 challenge asks for {iterations} iterations, more than this client's limit of {maxIterations} " +
                "(PostgreSQL's default is 4096): lower the server's scram_iterations and set the password again.");
        }

        if (!nonce.StartsWith(_clientNonce, StringComparison.Ordinal) || nonce.Length == _clientNonce.Length)
        {
            throw new WorkerException("PostgreSQL's SCRAM-SHA-256 challenge does not extend this client's nonce; the server is not who it claims to be.");
        }

        var salted = await SaltedPasswordAsync(saltText, iterations).ConfigureAwait(false);
        var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
        var storedKey = SHA256.HashData(clientKey);
        var withoutProof = "c=biws,r=" + nonce; // biws = base64("n,,"): no channel binding
        var authMessage = Encoding.UTF8.GetBytes($"{_clientFirstBare},{serverFirst},{withoutProof}");
        var signature = HMACSHA256.HashData(storedKey, authMessage);
        for (var i = 0; i < clientKey.Length; i++)
        {
            clientKey[i] ^= signature[i];
        }

        _serverSignature = HMACSHA256.HashData(HMACSHA256.HashData(salted, "Server Key"u8), authMessage);
        return withoutProof + ",p=" + Convert.ToBase64String(clientKey);
    }

    /// <summary>Whether the server proved it knows the password (<see cref="VerifyServerFinal"/> passed).</summary>
    public bool ServerVerified { get; private set; }

    /// <summary>Checks the server-final message: the server proves it knew the password too.</summary>
    public void VerifyServerFinal(string serverFinal)
    {
        if (Attribute(serverFinal, 'e') is { } error)
        {
            throw new WorkerException($"PostgreSQL refused the SCRAM-SHA-256 exchange: {error}");
        }

        if (_serverSignature is null || Attribute(serverFinal, 'v') is not { } verifier ||
            !CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(verifier), _serverSignature))
        {
            throw new WorkerException("PostgreSQL's SCRAM-SHA-256 server signature is wrong; the server is not who it claims to be.");
        }

        ServerVerified = true;
    }

    private async Task<byte[]> SaltedPasswordAsync(string salt, int iterations)
    {
        lock (CacheLock)
        {
            if (_cache is { } c && c.Iterations == iterations && c.Salt == salt && c.Password == _password)
            {
                return c.Salted;
            }
        }

        var password = await SubtleCrypto.ImportKeyAsync(KeyFormat.Raw, Encoding.UTF8.GetBytes(_password), DerivationAlgorithm.Pbkdf2, KeyUsages.DeriveBits).ConfigureAwait(false);
        var salted = await SubtleCrypto.DeriveBitsAsync(password, new Pbkdf2Derivation(HashAlgorithmName.SHA256, Convert.FromBase64String(salt), iterations), 256).ConfigureAwait(false);
        lock (CacheLock)
        {
            _cache = (_password, salt, iterations, salted);
        }

        return salted;
    }

    /// <summary>The value of <c>name=</c> in a comma-separated SCRAM message.</summary>
    private static string? Attribute(string message, char name)
    {
        foreach (var part in message.Split(','))
        {
            if (part.Length >= 2 && part[0] == name && part[1] == '=')
            {
                return part[2..];
            }
        }

        return null;
    }
}
