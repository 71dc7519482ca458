using System.ComponentModel;

namespace Conformance;

public sealed record SamplingInput([property: Description("The prompt to send to the client's model")] string Prompt);

public sealed record UpdateResourceInput([property: Description("The URI of the resource that changed")] string Uri);

public sealed record ElicitationInput([property: Description("The message to show the user")] string Message);
