namespace Pmcp.LoadBench;

/// <summary>One server's figures in one round: the client's view plus the server process's CPU and memory.</summary>
internal sealed record RoundResult(
    PeerServer Server,
    int Round,
    LoadSample Sample,
    TimeSpan ColdStart,
    TimeSpan ServerCpu,
    TimeSpan ClientCpu,
    long PeakRssBytes,
    long RssBytes,
    double Cpu0Busy = double.NaN,
    double Cpu0Interrupts = double.NaN,
    double Cpu1Busy = double.NaN)
{
    /// <summary>
    /// CPU 0's busy share not charged to the server: other processes on the server's core (and interrupts that ran in
    /// another process's context; the kernel charges softirq work done in the server's context to the server).
    /// </summary>
    public double Cpu0Others => Cpu0Busy - ServerCores;

    public double RequestsPerSecond => Sample.RequestsPerSecond;

    public double P50Ms => Sample.LatencyMs(50);

    public double P99Ms => Sample.LatencyMs(99);

    /// <summary>Server CPU (user + system) per correct answer, in microseconds: independent of the client's own cost.</summary>
    public double ServerCpuMicrosPerRequest => Sample.Requests == 0 ? double.NaN : ServerCpu.TotalMicroseconds / Sample.Requests;

    /// <summary>Share of the machine's cores the server used during the window.</summary>
    public double ServerCores => ServerCpu / Sample.Elapsed;

    public double ClientCores => ClientCpu / Sample.Elapsed;
}
