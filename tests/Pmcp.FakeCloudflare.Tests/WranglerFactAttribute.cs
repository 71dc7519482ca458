namespace Pmcp.FakeCloudflare.Tests;

/// <summary>A test that runs the real wrangler: skipped where it is not installed, except in CI (CI=true), where that fails.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class WranglerFactAttribute : FactAttribute
{
    public WranglerFactAttribute()
    {
        if (!Wrangler.IsInstalled && !Wrangler.MustRun)
        {
            Skip = Wrangler.NotInstalledMessage;
        }
    }
}
