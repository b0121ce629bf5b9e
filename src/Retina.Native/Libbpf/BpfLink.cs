namespace Retina.Native.Libbpf;

/// <summary>A libbpf link (tracepoint attachment); disposing detaches.</summary>
public sealed class BpfLink : IDisposable
{
    private nint link;

    internal BpfLink(nint link, string description)
    {
        this.link = link;
        Description = description;
    }

    public string Description { get; }

    public void Dispose()
    {
        var l = Interlocked.Exchange(ref link, 0);
        if (l != 0)
        {
            LibbpfNative.LinkDestroy(l);
        }
    }
}
