using Microsoft.Extensions.Logging;
using Retina.Api.NodeRuntime;
using Retina.NodeRuntime.Capture;
using Retina.NodeRuntime.Credentials;
using ApiArtifact = Retina.Api.Capture.CaptureArtifact;

namespace Retina.NodeRuntime.Agent;

/// <summary>
/// Runs the captures assigned to this node: one engine session per assignment key, started once (a controller
/// restart or a repeated spec never starts a capture twice), stopped when the assignment is withdrawn, and, after
/// a runtime restart, recovered as Failed with the partial capture delivered.
/// </summary>
public sealed partial class CaptureRunner(CaptureEngine engine, ICaptureCredentialSource credentialSource, NodeAgentOptions options, ILogger logger) : IAsyncDisposable
{
    private readonly Dictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    /// <summary>Raised when a capture finishes, so status is written at once.</summary>
    public event Action? Changed;

    public int Active
    {
        get
        {
            lock (gate)
            {
                // A session whose completion has ended (even faulted) holds no slot.
                return entries.Values.Count(e => e.Result is null && e.Session is { Completion.IsCompleted: false });
            }
        }
    }

    public async Task ConvergeAsync(IReadOnlyList<NodeCaptureAssignment> desired, IReadOnlyList<NodeWorkStatus> reported, CancellationToken ct)
    {
        var wanted = desired.ToDictionary(a => a.Key, StringComparer.Ordinal);
        List<Entry> withdrawn;
        lock (gate)
        {
            withdrawn = entries.Values.Where(e => !wanted.ContainsKey(e.Key)).ToList();
            foreach (var e in withdrawn)
            {
                entries.Remove(e.Key);
            }
        }

        foreach (var e in withdrawn.Where(e => e.Session is not null && e.Result is null))
        {
            LogWithdrawn(logger, e.Key);
            await e.Session!.StopAsync(ct).ConfigureAwait(false);
            await e.Session.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var assignment in desired)
        {
            Entry? existing;
            lock (gate)
            {
                existing = entries.GetValueOrDefault(assignment.Key);
            }

            var previous = reported.FirstOrDefault(r => r.Key == assignment.Key);
            if (existing is null && Fresh(previous) && Active >= options.MaxConcurrentCaptures)
            {
                lock (gate)
                {
                    entries[assignment.Key] = Entry.Waiting(assignment.Key, options.MaxConcurrentCaptures);
                }
            }
            else if (existing is { Queued: true } && assignment.Stop == true)
            {
                lock (gate)
                {
                    entries[assignment.Key] = Entry.StoppedInQueue(assignment.Key);
                }
            }
            else if (existing is null || (existing.Queued && Active < options.MaxConcurrentCaptures))
            {
                // A queued capture starts fresh: it has never run, whatever its last report said (Pending).
                var entry = await StartAsync(assignment, existing is null ? previous : null, ct).ConfigureAwait(false);
                lock (gate)
                {
                    entries[assignment.Key] = entry;
                }
            }
            else if (assignment.Stop == true && existing.Session is { } session && existing.Result is null)
            {
                await session.StopAsync(ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Assignments that would start a new session (not already finished, not recovered after a restart); a queued one reported Pending counts as fresh.</summary>
    private static bool Fresh(NodeWorkStatus? reported) => reported is null || reported is { Phase: "Pending", Reason: CaptureReasons.Queued };

    /// <summary>Host-path files that captures still assigned here reported: retention must keep them (a PVC copy may still read one).</summary>
    public IReadOnlySet<string> AssignedHostPathFiles()
    {
        lock (gate)
        {
            return entries.Values
                .SelectMany(e => (e.Result?.Artifacts.Where(a => a.Kind == "hostPath").Select(a => a.Location) ?? [])
                    .Concat((e.Restored?.Artifacts ?? []).Where(a => a.Output == "hostPath").Select(a => a.Location)))
                .ToHashSet(StringComparer.Ordinal);
        }
    }

    /// <summary>The status entry of every assigned capture, with live counters for running ones.</summary>
    public List<NodeWorkStatus> Report()
    {
        lock (gate)
        {
            return entries.Values.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Report(options.NodeName)).ToList();
        }
    }

    private async Task<Entry> StartAsync(NodeCaptureAssignment assignment, NodeWorkStatus? reported, CancellationToken ct)
    {
        if (Fresh(reported))
        {
            reported = null;
        }

        if (reported is { Phase: "Completed" or "Failed" })
        {
            // Finished before this runtime started (e.g. we restarted after it ended): keep the report, do not run again.
            return new Entry(assignment.Key) { Restored = reported };
        }

        var credentials = await CredentialsAsync(assignment, ct).ConfigureAwait(false);
        if (credentials.Problem is not null)
        {
            return new Entry(assignment.Key) { Restored = new NodeWorkStatus { Key = assignment.Key, Phase = "Failed", Message = credentials.Problem } };
        }

        var request = AssignmentRequests.Build(assignment, options.NodeName, options.NetworkNamespace, credentials.Value);
        if (reported is not null)
        {
            // It was running when the previous runtime died: never start it again; deliver what was captured.
            var recovered = await engine.RecoverAsync(request, ct).ConfigureAwait(false);
            return new Entry(assignment.Key)
            {
                Result = recovered,
                Restored = recovered is null
                    ? new NodeWorkStatus { Key = assignment.Key, Phase = "Failed", Message = "node runtime restarted during the capture; nothing had been written yet", StartTime = reported.StartTime, CompletionTime = DateTime.UtcNow }
                    : null,
            };
        }

        var session = await engine.StartAsync(request, ct).ConfigureAwait(false);
        var entry = new Entry(assignment.Key) { Session = session };
        _ = session.Completion.ContinueWith(t =>
        {
            lock (gate)
            {
                entry.Result = t.IsCompletedSuccessfully ? t.Result : null;
            }

            Changed?.Invoke();
        }, TaskScheduler.Default);
        return entry;
    }

    /// <summary>The output credentials, from the controllers' endpoint (the node never reads Secrets).</summary>
    private async Task<(AssignmentRequests.Credentials Value, string? Problem)> CredentialsAsync(NodeCaptureAssignment a, CancellationToken ct)
    {
        var fetched = await credentialSource.FetchAsync(a, ct).ConfigureAwait(false);
        return fetched.Values is { } v
            ? (new(v.BlobUploadUrl, v.S3AccessKeyId, v.S3SecretAccessKey), null)
            : (new(null, null, null), "credentials: " + fetched.Problem);
    }

    public async ValueTask DisposeAsync()
    {
        List<Entry> all;
        lock (gate)
        {
            all = [.. entries.Values];
        }

        foreach (var e in all.Where(e => e.Session is not null))
        {
            await e.Session!.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Capture {Key} withdrawn by the controller: stopping it")]
    private static partial void LogWithdrawn(ILogger logger, string key);

    private sealed class Entry(string key)
    {
        public string Key { get; } = key;

        /// <summary>Assigned but not started: over the node's concurrency limit.</summary>
        public bool Queued { get; private init; }

        public static Entry Waiting(string key, int limit) => new(key)
        {
            Queued = true,
            Restored = new NodeWorkStatus
            {
                Key = key, Phase = "Pending", Reason = CaptureReasons.Queued,
                Message = $"queued: this node already runs its maximum of {limit} concurrent captures (Retina:NodeRuntime:MaxConcurrentCaptures); it starts when one finishes",
            },
        };

        public static Entry StoppedInQueue(string key) => new(key)
        {
            Restored = new NodeWorkStatus
            {
                Key = key, Phase = "Failed", Reason = CaptureReasons.StoppedWhileQueued, CompletionTime = DateTime.UtcNow,
                Message = "stopped while queued behind this node's concurrent-capture limit: it never ran",
            },
        };

        public CaptureSession? Session { get; init; }

        public CaptureResult? Result { get; set; }

        public NodeWorkStatus? Restored { get; init; }

        /// <param name="node">This node: the CRD requires every artifact to name the node that produced it.</param>
        public NodeWorkStatus Report(string node)
        {
            if (Restored is not null)
            {
                return Restored;
            }

            if (Result is { } r)
            {
                return new NodeWorkStatus
                {
                    Key = Key,
                    Phase = r.Phase.ToString(),
                    Reason = r.Reason,
                    Packets = r.Counters.Packets,
                    Bytes = r.Counters.Bytes,
                    KernelDrops = r.Counters.KernelDrops,
                    Message = r.Message,
                    StartTime = r.StartedAt.UtcDateTime,
                    CompletionTime = r.FinishedAt.UtcDateTime,
                    Artifacts = r.Artifacts.Select(a => new ApiArtifact
                    {
                        Node = node,
                        Output = AssignmentRequests.OutputName(a.Kind),
                        Location = a.Location,
                        SizeBytes = r.ArtifactBytes,
                        Sha256 = r.Sha256,
                    }).ToList(),
                };
            }

            var s = Session!;
            var c = s.Counters;
            return new NodeWorkStatus
            {
                Key = Key,
                Phase = s.Phase.ToString(),
                Packets = c.Packets,
                Bytes = c.Bytes,
                KernelDrops = c.KernelDrops,
                StartTime = s.StartedAt.UtcDateTime,
            };
        }
    }
}
