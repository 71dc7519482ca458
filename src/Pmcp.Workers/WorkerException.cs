namespace Pmcp.Workers;

/// <summary>A Worker misconfiguration or a failed Workers API call; the message says what to do.</summary>
public sealed class WorkerException(string message, Exception? inner = null) : Exception(message, inner);
