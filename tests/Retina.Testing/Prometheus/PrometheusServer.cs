using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Retina.Testing.Waiting;

namespace Retina.Testing.Prometheus;

/// <summary>
/// A real Prometheus on a free loopback port with a fresh storage directory and a generated config that scrapes the
/// given targets every 200 ms. Disposing stops the process by its PID (SIGTERM, then SIGKILL) and deletes the directory,
/// whether or not the test passed; the process is also killed if the test host exits without disposing.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    public const string JobName = "retina";
    private const int StartAttempts = 3;

    private readonly DaemonProcess process;
    private readonly HttpClient http;
    private bool disposed;

    private PrometheusServer(string directory, int port, IReadOnlyList<ScrapeTarget> targets, PrometheusServerOptions options)
    {
        Directory = directory;
        Port = port;
        Targets = targets;
        Options = options;
        Address = new Uri($"http://127.0.0.1:{port}/");
        var config = Path.Combine(directory, "prometheus.yml");
        File.WriteAllText(config, ConfigYaml(targets, options));

        process = new DaemonProcess(options.Binary,
        [
            "--config.file=" + config,
            "--storage.tsdb.path=" + Path.Combine(directory, "data"),
            $"--web.listen-address=127.0.0.1:{port}",
            $"--web.external-url=http://127.0.0.1:{port}",
            "--log.level=warn",
        ]);
        http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>Base address of the HTTP API and UI, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Address { get; }

    public int Port { get; }

    /// <summary>The temp directory holding the generated config and the TSDB (deleted on dispose).</summary>
    public string Directory { get; }

    public IReadOnlyList<ScrapeTarget> Targets { get; }

    public PrometheusServerOptions Options { get; }

    public int Pid => process.Pid;

    /// <summary>What Prometheus logged (warnings and errors only), for failure messages.</summary>
    public string Log => process.Log;

    public static Task<PrometheusServer> StartNewAsync(params ScrapeTarget[] targets) => StartNewAsync(targets, null);

    /// <summary>Starts Prometheus, waits until /-/ready answers and (unless told otherwise) until every target is up.</summary>
    public static async Task<PrometheusServer> StartNewAsync(IEnumerable<ScrapeTarget> targets, PrometheusServerOptions? options = null, CancellationToken ct = default)
    {
        options ??= new PrometheusServerOptions();
        if (!File.Exists(options.Binary))
        {
            throw new InvalidOperationException($"{options.Binary} is missing: run scripts/install-deps.sh (Debian package prometheus)");
        }

        var list = targets.ToArray();
        for (var attempt = 1; ; attempt++)
        {
            var server = new PrometheusServer(System.IO.Directory.CreateTempSubdirectory("prometheus-").FullName, Azurite.NodeTool.FreePort(), list, options);
            try
            {
                await server.WaitUntilReadyAsync(ct);
                if (options.WaitForTargets && list.Length > 0)
                {
                    await server.WaitForTargetsUpAsync(ct);
                }

                return server;
            }
            catch (PrometheusExitedException) when (attempt < StartAttempts && server.Log.Contains("address already in use", StringComparison.Ordinal))
            {
                // another process took the free port between our probe and Prometheus binding it: try another
                await server.DisposeAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Evaluates an instant query at the current time (or <paramref name="time"/>) over /api/v1/query.</summary>
    public async Task<PrometheusQueryResult> QueryAsync(string promql, DateTimeOffset? time = null, CancellationToken ct = default)
    {
        var form = new Dictionary<string, string> { ["query"] = promql };
        if (time is { } t)
        {
            form["time"] = (t.ToUnixTimeMilliseconds() / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);
        }

        using var content = new FormUrlEncodedContent(form);
        using var response = await http.PostAsync(new Uri("api/v1/query", UriKind.Relative), content, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        return PrometheusResponse.Parse(promql, response.StatusCode, body);
    }

    /// <summary>The active targets as Prometheus sees them.</summary>
    public async Task<IReadOnlyList<PrometheusTarget>> TargetsAsync(CancellationToken ct = default)
    {
        using var doc = JsonDocument.Parse(await http.GetStringAsync(new Uri("api/v1/targets?state=active", UriKind.Relative), ct));
        return doc.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray()
            .Select(t => new PrometheusTarget(
                t.GetProperty("scrapeUrl").GetString() ?? "",
                t.GetProperty("health").GetString() ?? "",
                t.TryGetProperty("lastError", out var e) ? e.GetString() ?? "" : "",
                PrometheusResponse.Labels(t.GetProperty("labels"))))
            .ToArray();
    }

    /// <summary>Waits until every configured target has been scraped successfully.</summary>
    public async Task WaitForTargetsUpAsync(CancellationToken ct = default)
    {
        IReadOnlyList<PrometheusTarget> last = [];
        try
        {
            await Until.TrueAsync(
                async () =>
                {
                    ThrowIfExited();
                    last = await TargetsAsync(ct);
                    return last.Count == Targets.Count && last.All(t => t.IsUp);
                },
                $"Prometheus has scraped all {Targets.Count} targets",
                Options.StartTimeout);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; targets: {string.Join("; ", last)}; log: {Log}", e);
        }
    }

    /// <summary>
    /// Waits until every target has at least <paramref name="count"/> samples of <c>up</c>: rate() and irate() need two
    /// samples in their window, so a dashboard query evaluated earlier sees no data although the metric is there.
    /// </summary>
    public async Task WaitForScrapesAsync(int count = 2, CancellationToken ct = default)
    {
        PrometheusQueryResult? last = null;
        try
        {
            await Until.TrueAsync(
                async () =>
                {
                    ThrowIfExited();
                    last = await QueryAsync("count_over_time(up[1h])", ct: ct);
                    return last.Series.Count >= Targets.Count && last.Series.All(s => s.Value >= count);
                },
                $"every target has been scraped {count} times",
                Options.StartTimeout);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; last answer: {last}; log: {Log}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        http.Dispose();
        await process.StopAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken ct)
    {
        try
        {
            await Until.TrueAsync(
                async () =>
                {
                    ThrowIfExited();
                    try
                    {
                        using var response = await http.GetAsync(new Uri("-/ready", UriKind.Relative), ct);
                        return response.IsSuccessStatusCode;
                    }
                    catch (HttpRequestException)
                    {
                        return false;
                    }
                },
                $"Prometheus on 127.0.0.1:{Port} answers /-/ready",
                Options.StartTimeout);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; log: {Log}", e);
        }
    }

    private void ThrowIfExited()
    {
        if (process.HasExited)
        {
            throw new PrometheusExitedException($"prometheus exited with code {process.ExitCode}: {Log}");
        }
    }

    private static string ConfigYaml(IReadOnlyList<ScrapeTarget> targets, PrometheusServerOptions options)
    {
        static string Quote(string s) => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";
        var ms = ((int)options.ScrapeInterval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";
        var y = new StringBuilder();
        y.AppendLine("global:");
        y.AppendLine(CultureInfo.InvariantCulture, $"  scrape_interval: {ms}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  scrape_timeout: {ms}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  evaluation_interval: {ms}");
        if (options.RuleFiles.Count > 0)
        {
            y.AppendLine("rule_files:");
            foreach (var f in options.RuleFiles)
            {
                y.AppendLine(CultureInfo.InvariantCulture, $"  - {Quote(f)}");
            }
        }

        if (options.Alertmanager is { } am)
        {
            y.AppendLine("alerting:");
            y.AppendLine("  alertmanagers:");
            y.AppendLine(CultureInfo.InvariantCulture, $"    - static_configs: [{{targets: [{Quote(am)}]}}]");
        }
        if (targets.Count == 0)
        {
            y.AppendLine("scrape_configs: []");
            return y.ToString();
        }

        y.AppendLine("scrape_configs:");
        // one job per metrics path: Prometheus sets the path per job, not per target
        var byPath = targets.GroupBy(t => t.MetricsPath, StringComparer.Ordinal).ToArray();
        for (var i = 0; i < byPath.Length; i++)
        {
            y.AppendLine(CultureInfo.InvariantCulture, $"  - job_name: {Quote(i == 0 ? JobName : $"{JobName}-{i}")}");
            y.AppendLine(CultureInfo.InvariantCulture, $"    metrics_path: {Quote(byPath[i].Key)}");
            y.AppendLine("    static_configs:");
            foreach (var t in byPath[i])
            {
                y.AppendLine(CultureInfo.InvariantCulture, $"      - targets: [{Quote(t.Address)}]");
                if (t.Labels.Count > 0)
                {
                    y.AppendLine("        labels:");
                    foreach (var (name, value) in t.Labels)
                    {
                        y.AppendLine(CultureInfo.InvariantCulture, $"          {name}: {Quote(value)}");
                    }
                }
            }
        }

        return y.ToString();
    }


    private sealed class PrometheusExitedException(string message) : InvalidOperationException(message);
}
