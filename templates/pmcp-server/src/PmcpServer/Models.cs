namespace PmcpServer;

public sealed record User(string Name, string Email, string Department);
