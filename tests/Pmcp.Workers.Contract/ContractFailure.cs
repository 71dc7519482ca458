namespace Pmcp.Workers.Contract;

/// <summary>A binding did not behave as the contract says. The message names the operation, what was expected and what came back.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1710", Justification = "A contract failure is a verdict, not an error of the code under test; the name says so.")]
public sealed class ContractFailure(string message, Exception? inner = null) : Exception(message, inner);
