using System.Buffers.Binary;
using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Retina.Native.Packet;
using Retina.NodeRuntime.Capture;
using Retina.Testing.Netns;
using Retina.Testing.Waiting;

namespace Retina.NodeRuntime.Tests.Capture;

/// <summary>
/// One "node" per test: a NetnsPair whose namespace A is the node the engine captures in (on its veth), namespace B the
/// peer that sends traffic, a fresh work directory, and a log that keeps every line for secret checks.
/// </summary>
public sealed class CaptureBed : IAsyncDisposable
{
    private readonly List<Socket> sockets = [];

    private CaptureBed(NetnsPair pair, string root)
    {
        Pair = pair;
        Root = root;
    }

    public NetnsPair Pair { get; }

    public string Root { get; }

    public string WorkDirectory => Path.Combine(Root, "work");

    public string HostPathBase => Path.Combine(Root, "host");

    public CollectingLogger Log { get; } = new();

    public static async Task<CaptureBed> CreateAsync()
    {
        var pair = await NetnsPair.CreateAsync("cap");
        var root = Directory.CreateTempSubdirectory("capture-test-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "work"));
        return new CaptureBed(pair, root);
    }

    public CaptureEngine Engine(CaptureEngineOptions? options = null) => new(
        options ?? Options(),
        Log,
        TimeProvider.System);

    public CaptureEngineOptions Options() => new()
    {
        WorkDirectory = WorkDirectory,
        HostPathBaseDirectory = HostPathBase,
        KeepLocalArtifacts = true,
        PlainHttp = new Retina.NodeRuntime.Capture.Outputs.PlainHttpPolicy(["127.0.0.1"]), // Azurite and s3rver on loopback
        UploadRetry = new Retina.NodeRuntime.Capture.Outputs.OutputRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(200), MaxDelay = TimeSpan.FromSeconds(1), MaxAttempts = 60 },
    };

    /// <summary>A request capturing on namespace A's veth, as node "node-a".</summary>
    public CaptureRequest Request() => new()
    {
        Namespace = "default",
        Name = "cap1",
        Uid = Guid.NewGuid().ToString(),
        NodeName = "node-a",
        NetworkNamespacePath = NetworkNamespace.PathOf(Pair.NamespaceA),
        Interfaces = [Pair.VethA],
        IncludeMetadata = false,
    };

    /// <summary>A UDP socket bound in namespace A (the captured node): it receives, so no ICMP error joins the capture.</summary>
    public Task<Socket> ListenOnAAsync(int port) => BindAsync(Pair.NamespaceA, Pair.AddressA, port);

    public Task<Socket> BindOnBAsync(int port = 0) => BindAsync(Pair.NamespaceB, Pair.AddressB, port);

    public Task<Socket> BindAsync(string ns, string address, int port) =>
        NetworkNamespace.RunAsync(NetworkNamespace.PathOf(ns), () =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            s.Bind(new IPEndPoint(IPAddress.Parse(address), port));
            s.ReceiveBufferSize = 8 * 1024 * 1024;
            lock (sockets)
            {
                sockets.Add(s);
            }

            return s;
        });

    /// <summary>Sends <paramref name="count"/> datagrams whose payload starts with a big-endian sequence number.</summary>
    public static void Send(Socket from, string toAddress, int toPort, int count, int payload = 64, int firstSequence = 0)
    {
        var data = new byte[Math.Max(4, payload)];
        var to = new IPEndPoint(IPAddress.Parse(toAddress), toPort);
        for (var i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(data, firstSequence + i);
            from.SendTo(data, to);
        }
    }

    public static Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        Until.TrueAsync(condition, what, timeout ?? TimeSpan.FromSeconds(30));

    public static async Task<CaptureResult> CompletedAsync(CaptureSession session, TimeSpan? timeout = null) =>
        await session.Completion.WaitAsync(timeout ?? TimeSpan.FromSeconds(60));

    /// <summary>Unpacks a tarball into a fresh directory under the bed.</summary>
    public async Task<string> ExtractAsync(string tarball)
    {
        var dir = Path.Combine(Root, "x-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        await using var file = File.OpenRead(tarball);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        await TarFile.ExtractToDirectoryAsync(gzip, dir, overwriteFiles: false);
        return dir;
    }

    /// <summary>The capture files (pcap or pcapng) of an extracted tarball, in order.</summary>
    public static string[] CaptureFiles(string extracted) =>
        Directory.GetFiles(extracted).Where(f => f.EndsWith(".pcap", StringComparison.Ordinal) || f.EndsWith(".pcapng", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToArray();

    /// <summary>One tshark field per packet.</summary>
    public static async Task<string[]> TsharkFieldAsync(string file, string field)
    {
        var r = await Shell.RunAsync("tshark", ["-r", file, "-T", "fields", "-e", field]);
        r.ExitCode.ShouldBe(0, r.StdErr);
        return r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public static async Task<int> TsharkCountAsync(string file) => (await TsharkFieldAsync(file, "frame.number")).Length;

    /// <summary>The sequence numbers our sender put at the start of each UDP payload.</summary>
    public static async Task<int[]> SequencesAsync(string file) =>
        (await TsharkFieldAsync(file, "udp.payload")).Select(h => Convert.ToInt32(h.Replace(":", "")[..8], 16)).ToArray();

    public async ValueTask DisposeAsync()
    {
        foreach (var s in sockets)
        {
            s.Dispose();
        }

        await Pair.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Keeps every formatted log line and exception text, so a test can search them for secrets.</summary>
public sealed class CollectingLogger : ILogger<CaptureEngine>
{
    private readonly List<string> lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (lines)
            {
                return lines.ToList();
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (lines)
        {
            lines.Add($"{logLevel} {formatter(state, exception)} {exception}");
        }
    }
}
