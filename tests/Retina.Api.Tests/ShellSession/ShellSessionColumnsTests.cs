using System.Reflection;
using Retina.Api.Schema;

namespace Retina.Api.Tests.ShellSession;

/// <summary>What `kubectl get shellsessions` (and `retina get`) shows of a session's expiry.</summary>
public sealed class ShellSessionColumnsTests
{
    [Fact]
    public void Expires_is_printed_as_the_time_itself_because_kubectl_shows_a_future_date_column_as_invalid()
    {
        var expires = typeof(Api.ShellSession.ShellSession).GetCustomAttributes<PrinterColumnAttribute>().Single(c => c.Name == "Expires");

        expires.JsonPath.ShouldBe(".status.expiresAt");
        expires.Type.ShouldBe("string", "a date column is rendered as time since, which for a time still ahead kubectl prints as <invalid>");
    }
}
