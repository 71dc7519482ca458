using Pmcp.Workers.Contract;
using Pmcp.Workers.DurableObjects;

namespace DurableWorker;

/// <summary>The contract's counter object, exported by this Worker under the class name the contract binds.</summary>
[DurableObject(ContractBindings.CounterClass)]
public sealed class Counter : ContractCounter;
