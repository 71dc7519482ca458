namespace HelloWorld;

public sealed record User(string Name, string Email, string Department);
