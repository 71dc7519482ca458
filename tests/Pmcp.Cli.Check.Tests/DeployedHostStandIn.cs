using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Pmcp.Cli.Check.Tests;

/// <summary>
/// Makes a deployed Worker's https URL (<c>https://NAME.SUBDOMAIN.workers.dev</c>, as the fake Cloudflare API has
/// wrangler print it) reach a local server: an HTTP CONNECT proxy (the CLI is given <c>HTTPS_PROXY</c>) that ends TLS for
/// <c>*.workers.dev</c> with a certificate of its own (the CLI is given it as its only trusted root through
/// <c>SSL_CERT_FILE</c>) and passes the plain requests on to the stand-in server. A tunnel to a loopback port (wrangler
/// reaching the fake API through the proxy) is passed on as it is. Nothing the CLI does is changed for the test.
/// </summary>
internal sealed class DeployedHostStandIn : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2 _certificate;
    private readonly string _certificateFile;
    private readonly int _standInPort;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;

    private DeployedHostStandIn(string domain, int standInPort)
    {
        _standInPort = standInPort;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + domain, key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("*." + domain);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, 0, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        _certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
        _certificateFile = Path.Combine(Path.GetTempPath(), $"pmcp-standin-{Guid.NewGuid():N}.pem");
        File.WriteAllText(_certificateFile, created.ExportCertificatePem() + "\n");
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>What the CLI's process needs to reach the stand-in for every host under the domain.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["HTTPS_PROXY"] = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}",
        ["NO_PROXY"] = "127.0.0.1,localhost",
        ["SSL_CERT_FILE"] = _certificateFile,
    };

    /// <summary>How many TLS connections for the domain reached the stand-in: the check really went to the "deployed" URL.</summary>
    public int DeployedConnections => Volatile.Read(ref _deployedConnections);

    private int _deployedConnections;

    /// <summary>Serves <c>https://*.DOMAIN</c> with the plain HTTP server on loopback port <paramref name="standInPort"/>.</summary>
    public static DeployedHostStandIn Start(string domain, int standInPort) => new(domain, standInPort);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Stopping the listener ends the loop.
        }

        _certificate.Dispose();
        File.Delete(_certificateFile);
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            _ = Task.Run(() => TunnelAsync(client));
        }
    }

    private async Task TunnelAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = await ReadHeadAsync(stream);
                var target = head.Split("\r\n")[0].Split(' ');
                if (target is not ["CONNECT", var authority, _])
                {
                    await stream.WriteAsync("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n"u8.ToArray());
                    return;
                }

                var (host, port) = (authority[..authority.LastIndexOf(':')], int.Parse(authority[(authority.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
                if (host is "127.0.0.1" or "localhost")
                {
                    using var plain = new TcpClient();
                    await plain.ConnectAsync(IPAddress.Loopback, port);
                    await stream.WriteAsync("HTTP/1.1 200 Connection Established\r\n\r\n"u8.ToArray());
                    await PipeAsync(stream, plain.GetStream());
                    return;
                }

                if (!host.EndsWith(_certificate.GetNameInfo(X509NameType.SimpleName, false), StringComparison.OrdinalIgnoreCase))
                {
                    await stream.WriteAsync("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"u8.ToArray());
                    return;
                }

                await stream.WriteAsync("HTTP/1.1 200 Connection Established\r\n\r\n"u8.ToArray());
                await using var tls = new SslStream(stream);
                await tls.AuthenticateAsServerAsync(_certificate);
                Interlocked.Increment(ref _deployedConnections);
                using var standIn = new TcpClient();
                await standIn.ConnectAsync(IPAddress.Loopback, _standInPort);
                await PipeAsync(tls, standIn.GetStream());
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
            {
                // A side hung up.
            }
        }
    }

    private async Task PipeAsync(Stream a, Stream b)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        var one = a.CopyToAsync(b, done.Token);
        var other = b.CopyToAsync(a, done.Token);
        await Task.WhenAny(one, other);
        await done.CancelAsync();
    }

    private static async Task<string> ReadHeadAsync(Stream stream)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && head.Length < 8192)
        {
            if (await stream.ReadAsync(one) == 0)
            {
                break;
            }

            head.Append((char)one[0]);
        }

        return head.ToString();
    }
}
