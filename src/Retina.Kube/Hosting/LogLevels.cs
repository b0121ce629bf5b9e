using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Retina.Kube.Hosting;

/// <summary>Log levels as our components read them from configuration: by name only, each bad value named by its key.</summary>
public static class LogLevels
{
    /// <summary>The accepted names, for messages.</summary>
    public static string Names { get; } = string.Join(", ", Enum.GetNames<LogLevel>());

    /// <summary>A level by its name only (case-insensitive): numbers such as "7" are not accepted. Null when unset or invalid.</summary>
    public static LogLevel? Parse(string? value) =>
        value is { Length: > 0 } && !char.IsAsciiDigit(value[0]) && value[0] != '-'
        && Enum.TryParse<LogLevel>(value, ignoreCase: true, out var level) && Enum.IsDefined(level)
            ? level
            : null;

    /// <summary>
    /// Problems in the standard <c>Logging</c> section (<c>Logging:LogLevel:*</c> and <c>Logging:&lt;Provider&gt;:LogLevel:*</c>), named by key,
    /// so a bad level is a start-up error rather than an exception from the logging library.
    /// </summary>
    public static IReadOnlyList<string> ValidateLoggingSection(IConfiguration configuration)
    {
        var logging = configuration.GetSection("Logging");
        var levels = logging.GetSection("LogLevel").GetChildren()
            .Concat(logging.GetChildren().Where(c => c.Key != "LogLevel").SelectMany(p => p.GetSection("LogLevel").GetChildren()));
        return [.. levels.Where(l => l.Value is not null && !Enum.TryParse<LogLevel>(l.Value, ignoreCase: true, out _))
            .Select(l => $"{l.Path}: \"{l.Value}\" is not a log level (one of {Names})")];
    }
}
