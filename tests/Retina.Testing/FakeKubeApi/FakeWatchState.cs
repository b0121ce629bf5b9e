namespace Retina.Testing.FakeKubeApi;

/// <summary>One open watch stream: how to close it and how many events remain before an injected 410.</summary>
internal sealed class FakeWatchState(int? remaining, CancellationToken requestAborted) : IDisposable
{
    public CancellationTokenSource Cancel { get; } = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);

    public int? Remaining { get; set; } = remaining;

    public void Dispose() => Cancel.Dispose();
}
