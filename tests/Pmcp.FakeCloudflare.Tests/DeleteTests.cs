namespace Pmcp.FakeCloudflare.Tests;

/// <summary><c>wrangler delete</c>: the Worker, its routes and custom domains are gone.</summary>
public sealed class DeleteTests
{
    [WranglerFact]
    public async Task DeleteRemovesTheWorker()
    {
        await using var cloudflare = await DeployTests.StartWithBucketAsync();
        using var project = new WorkerProject(cloudflare.AccountId);
        (await Wrangler.RunAsync(cloudflare, project.Path, ["deploy", "--env="])).Succeeded();

        // Not interactive, its confirmation takes the default: yes. (--force would skip the dependency checks.)
        var delete = (await Wrangler.RunAsync(cloudflare, project.Path, ["delete", "--env="])).Succeeded();

        Assert.Contains($"Successfully deleted {WorkerProject.Name}", delete.Output, StringComparison.Ordinal);
        var script = cloudflare.Script(WorkerProject.Name)!;
        Assert.True(script.Deleted);
        Assert.Empty(script.Routes);
        Assert.Empty(script.CustomDomains);
        Assert.Contains(cloudflare.Requests, request => request.Method == "DELETE" && request.Path == $"/accounts/{cloudflare.AccountId}/workers/services/{WorkerProject.Name}");

        var list = await Wrangler.RunAsync(cloudflare, project.Path, ["secret", "list", "--env="]);
        Assert.NotEqual(0, list.ExitCode);
        Assert.Contains($"Worker \"{WorkerProject.Name}\" not found", list.Output, StringComparison.Ordinal);
        Assert.Empty(cloudflare.UnhandledRequests);
    }
}
