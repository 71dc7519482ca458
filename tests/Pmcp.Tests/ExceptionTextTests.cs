using Pmcp.Server;

namespace Pmcp.Tests;

/// <summary>How a handler's exception is logged (issue 19): types and stack frames by default, messages only on request.</summary>
public sealed class ExceptionTextTests
{
    private const string Secret = "sk-live-quoted-in-a-message";

    [Fact]
    public void WithoutMessagesEveryNestedExceptionGivesItsTypeAndFramesButNoMessage()
    {
        var thrown = Thrown();

        var text = ExceptionText.Describe(thrown, withMessages: false);

        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        Assert.StartsWith("System.InvalidOperationException", text, StringComparison.Ordinal);
        Assert.Contains(" ---> System.AggregateException", text, StringComparison.Ordinal);
        Assert.Contains(" ---> System.FormatException", text, StringComparison.Ordinal);
        Assert.Contains(" ---> System.ArgumentException", text, StringComparison.Ordinal);
        Assert.Contains(nameof(Thrown), text, StringComparison.Ordinal); // a stack frame: where it failed
        Assert.EndsWith($"set {ExceptionText.MessagesVar}=true to log them)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void WithMessagesItIsTheWholeException()
    {
        var thrown = Thrown();

        Assert.Equal(thrown.ToString(), ExceptionText.Describe(thrown, withMessages: true));
        Assert.Contains(Secret, ExceptionText.Describe(thrown, withMessages: true), StringComparison.Ordinal);
    }

    [Fact]
    public void AnExceptionNestedWithoutEndIsCut()
    {
        Exception deep = new FormatException(Secret);
        for (var i = 0; i < 100; i++)
        {
            deep = new InvalidOperationException(Secret, deep);
        }

        var text = ExceptionText.Describe(deep, withMessages: false);

        Assert.InRange(text.Split(" ---> ").Length, 2, 10);
        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
    }

    private static InvalidOperationException Thrown()
    {
        try
        {
            try
            {
                throw new AggregateException($"many: {Secret}", new FormatException($"cannot parse {Secret}"), new ArgumentException($"bad {Secret}"));
            }
            catch (AggregateException e)
            {
                throw new InvalidOperationException($"outer {Secret}", e);
            }
        }
        catch (InvalidOperationException e)
        {
            return e;
        }
    }
}
