using System.ComponentModel;
using ModelContextProtocol.Server;

namespace OfficialSdkEcho;

/// <summary>The same tool HelloWorld serves: <c>echo</c> returns its <c>message</c> argument as text.</summary>
[McpServerToolType]
internal static class EchoTool
{
    [McpServerTool(Name = "echo", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Return the message it is given")]
    public static string Echo([Description("The message to send back")] string message) => message;
}
