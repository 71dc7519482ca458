namespace Pmcp.Cli.Check.Tests;

/// <summary>The one rule a <see cref="FlawedServer"/> breaks; <see cref="None"/> breaks none.</summary>
public enum Defect
{
    /// <summary>A correct server: the control that shows the checks pass when nothing is wrong.</summary>
    None,

    /// <summary>Serves a POST whose Accept lists neither JSON nor an event stream (200 instead of 406).</summary>
    AcceptIgnored,

    /// <summary>A tool whose input schema is <c>{"type": "string"}</c>, not an object schema.</summary>
    InputSchemaNotObject,

    /// <summary>A tool whose structured result breaks the outputSchema it declares.</summary>
    OutputBreaksSchema,

    /// <summary>A call of a tool that does not exist answered as success.</summary>
    UnknownToolSucceeds,

    /// <summary>A request from a foreign Origin served instead of refused with 403.</summary>
    ForeignOriginServed,
}
