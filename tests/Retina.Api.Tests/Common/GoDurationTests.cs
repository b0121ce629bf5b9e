using Retina.Api.Common;

namespace Retina.Api.Tests.Common;

public sealed class GoDurationTests
{
    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData("300ms", 300)]
    [InlineData("2h45m", 9_900_000)]
    public void Go_durations_parse_to_their_length(string text, long milliseconds)
    {
        GoDuration.TryParse(text, out var value).ShouldBeTrue();
        value.TotalMilliseconds.ShouldBe(milliseconds);
    }

    [Theory]
    [InlineData("10x")]
    [InlineData("")]
    [InlineData("-5s")]
    [InlineData("5")]
    [InlineData("1 m")]
    public void Anything_else_is_not_a_duration(string text) => GoDuration.TryParse(text, out _).ShouldBeFalse();

    [Fact]
    public void Formatting_round_trips()
    {
        GoDuration.TryParse(GoDuration.Format(TimeSpan.FromSeconds(5430)), out var back).ShouldBeTrue();
        back.ShouldBe(TimeSpan.FromSeconds(5430));
    }
}
