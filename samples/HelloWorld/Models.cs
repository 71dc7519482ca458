using System.ComponentModel;

namespace HelloWorld;

public sealed record QueryInput([property: Description("Department to list, such as \"engineering\"")] string Department);

public sealed record User(string Name, string Email, string Department);

public sealed record EchoInput([property: Description("The message to send back")] string Message);
