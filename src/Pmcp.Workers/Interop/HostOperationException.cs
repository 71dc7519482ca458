namespace Pmcp.Workers.Interop;

/// <summary>
/// An operation the JS host ran for .NET (a socket's, a fetch's, an R2 stream's) failed, or could not start because its
/// request had ended. The message is the host's; callers wrap it in the exception their API promises
/// (<see cref="HttpRequestException"/>, <see cref="IOException"/>, <see cref="WorkerException"/>).
/// </summary>
internal sealed class HostOperationException(string message) : Exception(message);
