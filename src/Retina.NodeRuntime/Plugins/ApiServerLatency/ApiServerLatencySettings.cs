using System.Globalization;
using System.Net;
using Retina.Api.Common;

namespace Retina.NodeRuntime.Plugins.ApiServerLatency;

/// <summary>What a probe sends once connected.</summary>
public enum ProbeRequest
{
    /// <summary>A TLS ClientHello; the server's first handshake record (or alert) is the answer.</summary>
    Tls,

    /// <summary>A plain HTTP GET; the first bytes of any reply are the answer.</summary>
    Http,
}

/// <summary>
/// The apiserverlatency plugin's settings, parsed from its settings dictionary. Every problem is collected
/// and named by its key, so one Failed state tells the user everything to fix.
/// </summary>
public sealed record ApiServerLatencySettings
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(2);
    public const int DefaultMaxConcurrency = 4;

    public static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan MaxInterval = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(10);
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(1);
    public const int MaxMaxConcurrency = 64;

    /// <summary>Endpoints from the <c>endpoints</c> setting, probed besides the discovered ones.</summary>
    public IReadOnlyList<IPEndPoint> Endpoints { get; init; } = [];

    /// <summary>Time between the starts of two probe rounds.</summary>
    public TimeSpan Interval { get; init; } = DefaultInterval;

    /// <summary>How long a connect, and then the request, may wait for an answer before it counts as no response.</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>Probes in flight at once, across all endpoints.</summary>
    public int MaxConcurrency { get; init; } = DefaultMaxConcurrency;

    public ProbeRequest Request { get; init; } = ProbeRequest.Tls;

    /// <summary>Whether endpoints found in the cluster (the <c>kubernetes</c> Service's EndpointSlice) are probed too.</summary>
    public bool Discover { get; init; } = true;

    /// <summary>The keys this plugin reads; any other key is a mistake worth reporting.</summary>
    public static readonly IReadOnlySet<string> Keys = new HashSet<string>(StringComparer.Ordinal)
    {
        "endpoints", "interval", "timeout", "maxConcurrency", "request", "discover",
    };

    /// <summary>Parses <paramref name="settings"/>; on failure <paramref name="problems"/> names each bad key.</summary>
    public static ApiServerLatencySettings? Parse(IReadOnlyDictionary<string, string> settings, out IReadOnlyList<string> problems)
    {
        var errors = new List<string>();
        var result = new ApiServerLatencySettings();

        foreach (var key in settings.Keys.Where(k => !Keys.Contains(k)).Order(StringComparer.Ordinal))
        {
            errors.Add($"settings.{key}: unknown setting (known: {string.Join(", ", Keys)})");
        }

        if (settings.TryGetValue("endpoints", out var list) && !string.IsNullOrWhiteSpace(list))
        {
            var endpoints = new List<IPEndPoint>();
            foreach (var item in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (TryParseEndpoint(item, out var ep))
                {
                    endpoints.Add(ep);
                }
                else
                {
                    errors.Add($"settings.endpoints: \"{item}\" is not an address:port (e.g. 10.0.0.1:6443 or [fd00::1]:443)");
                }
            }

            result = result with { Endpoints = endpoints.Distinct().ToList() };
        }

        result = result with
        {
            Interval = Duration(settings, "interval", DefaultInterval, MinInterval, MaxInterval, errors),
            Timeout = Duration(settings, "timeout", DefaultTimeout, MinTimeout, MaxTimeout, errors),
        };

        if (settings.TryGetValue("maxConcurrency", out var mc))
        {
            if (int.TryParse(mc, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxMaxConcurrency)
            {
                result = result with { MaxConcurrency = n };
            }
            else
            {
                errors.Add($"settings.maxConcurrency: \"{mc}\" must be a whole number from 1 to {MaxMaxConcurrency}");
            }
        }

        if (settings.TryGetValue("request", out var req))
        {
            ProbeRequest? parsed = req switch { "tls" => ProbeRequest.Tls, "http" => ProbeRequest.Http, _ => null };
            if (parsed is { } r)
            {
                result = result with { Request = r };
            }
            else
            {
                errors.Add($"settings.request: \"{req}\" must be tls or http");
            }
        }

        if (settings.TryGetValue("discover", out var d))
        {
            if (bool.TryParse(d, out var b))
            {
                result = result with { Discover = b };
            }
            else
            {
                errors.Add($"settings.discover: \"{d}\" must be true or false");
            }
        }

        problems = errors;
        return errors.Count == 0 ? result : null;
    }

    /// <summary>What the plugin does, for its status (no silent defaults).</summary>
    public string Describe() =>
        $"{Request.ToString().ToLowerInvariant()} probe every {Format(Interval)}, timeout {Format(Timeout)}, at most {MaxConcurrency} at once";

    /// <summary>An IP address and a port; host names are refused (the probe runs in the node's namespace and resolves nothing).</summary>
    public static bool TryParseEndpoint(string text, out IPEndPoint endpoint)
    {
        endpoint = null!;
        if (!IPEndPoint.TryParse(text, out var ep) || ep.Port == 0)
        {
            return false;
        }

        // IPEndPoint.TryParse accepts a bare address (port 0, refused above) and an unbracketed IPv6 ending in digits.
        if (ep.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && !text.StartsWith('['))
        {
            return false;
        }

        endpoint = ep;
        return true;
    }

    private static TimeSpan Duration(IReadOnlyDictionary<string, string> settings, string key, TimeSpan fallback, TimeSpan min, TimeSpan max, List<string> errors)
    {
        if (!settings.TryGetValue(key, out var text))
        {
            return fallback;
        }

        if (GoDuration.TryParse(text, out var value) && value >= min && value <= max)
        {
            return value;
        }

        errors.Add($"settings.{key}: \"{text}\" must be a duration from {Format(min)} to {Format(max)} (e.g. 500ms, 10s, 1m)");
        return fallback;
    }

    private static string Format(TimeSpan t) => t < TimeSpan.FromSeconds(1)
        ? t.TotalMilliseconds.ToString(CultureInfo.InvariantCulture) + "ms"
        : GoDuration.Format(t);
}
