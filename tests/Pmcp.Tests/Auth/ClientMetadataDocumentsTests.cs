using System.Net;
using Pmcp.Workers.Auth;

namespace Pmcp.Tests.Auth;

/// <summary>
/// The fetching rules of Client ID Metadata Documents for a deployed server (its resource not on loopback): https
/// only, and never an address of the Worker's own network;
/// locally (a loopback resource, as under dev) both are allowed.
/// </summary>
public sealed class ClientMetadataDocumentsTests
{
    [Theory]
    [InlineData("https://127.0.0.1:8443/client.json")]
    [InlineData("https://[::1]/client.json")]
    [InlineData("https://10.1.2.3/client.json")]
    [InlineData("https://172.20.0.1/client.json")]
    [InlineData("https://192.168.1.10/client.json")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://100.64.0.1/client.json")]
    [InlineData("https://[fd00::1]/client.json")]
    [InlineData("https://[fe80::1]/client.json")]
    [InlineData("https://[::ffff:10.0.0.1]/client.json")]
    [InlineData("https://0.0.0.0/client.json")]
    [InlineData("https://localhost/client.json")]
    public async Task InternalAddressesAreRefusedOutsideDevWithoutAFetch(string clientId)
    {
        using var handler = new CountingHandler();
        var documents = new ClientMetadataDocuments(new HttpClient(handler), TimeProvider.System, local: false);

        var (client, refusal) = await documents.FindAsync(clientId, CancellationToken.None);

        Assert.Null(client);
        Assert.Contains("internal address", refusal, StringComparison.Ordinal);
        Assert.Equal(0, handler.Requests);
        Assert.Equal(0, documents.Fetches);
    }

    [Theory]
    [InlineData("http://clients.example.com/app.json", "must use https")]
    [InlineData("https://clients.example.com", "must have a path")]
    [InlineData("https://clients.example.com/", "must have a path")]
    [InlineData("https://clients.example.com/app.json#x", "no fragment")]
    [InlineData("https://user:pw@clients.example.com/app.json", "no fragment, credentials")]
    [InlineData("https://clients.example.com/a/../app.json", "dot segments")]
    public void MalformedClientIdUrlsAreRefused(string clientId, string reason)
    {
        var documents = new ClientMetadataDocuments(new HttpClient(), TimeProvider.System, local: false);

        Assert.Contains(reason, documents.Refuse(clientId), StringComparison.Ordinal);
    }

    [Fact]
    public void LocallyHttpAndLoopbackAreAllowedAndDeployedAPublicHttpsUrlIs()
    {
        Assert.Null(new ClientMetadataDocuments(new HttpClient(), TimeProvider.System, local: true).Refuse("http://127.0.0.1:9200/client.json"));
        Assert.Null(new ClientMetadataDocuments(new HttpClient(), TimeProvider.System, local: false).Refuse("https://clients.example.com/app.json"));
    }

    [Fact]
    public void InternalRangesAreThoseOfTheWorkersOwnNetwork()
    {
        Assert.False(ClientMetadataDocuments.IsInternal(IPAddress.Parse("93.184.216.34")));
        Assert.False(ClientMetadataDocuments.IsInternal(IPAddress.Parse("2606:4700::1111")));
        Assert.False(ClientMetadataDocuments.IsInternal(IPAddress.Parse("172.32.0.1")));
        Assert.True(ClientMetadataDocuments.IsInternal(IPAddress.Parse("172.31.255.255")));
    }

    private sealed class CountingHandler : HttpMessageHandler
    {
        public int Requests { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests++;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }
}
