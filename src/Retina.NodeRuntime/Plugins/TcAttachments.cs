using Retina.Native.Libbpf;

namespace Retina.NodeRuntime.Plugins;

/// <summary>
/// Attaches an ingress and an egress TC program to a set of interfaces: tcx when the kernel has
/// it, else clsact (recorded in the ledger). Disposing detaches exactly what was attached, on the
/// namespace thread.
/// </summary>
public sealed class TcAttachments : IDisposable
{
    private readonly PluginContext context;
    private readonly List<IDisposable> attached = [];

    private TcAttachments(PluginContext context) => this.context = context;

    /// <summary>"tcx" or "clsact".</summary>
    public string Hook { get; private set; } = "";

    /// <summary>Why the preferred hook was not used, or null.</summary>
    public string? FallbackReason { get; private set; }

    /// <summary>Attaches; returns the attachments or a reason why nothing could be attached.</summary>
    public static async Task<(TcAttachments? Attachments, string? Failure)> AttachAsync(
        PluginContext context, BpfProgram ingress, BpfProgram egress, IReadOnlyList<(uint Index, string Name)> interfaces, TcxMode mode = TcxMode.Auto)
    {
        var tcx = context.Probes.Probe(ProbeNames.Tcx);
        var clsact = context.Probes.Probe(ProbeNames.Clsact);
        var a = new TcAttachments(context);
        string? tcxFailure = mode == TcxMode.Off ? "tcx off by configuration (enableTCX: off)" : tcx.IsUnsupported ? tcx.Reason : null;

        if (tcxFailure is null)
        {
            try
            {
                await context.Netns.RunAsync(() =>
                {
                    foreach (var (index, _) in interfaces)
                    {
                        a.attached.Add(ingress.AttachTcx(index, ingress: true));
                        a.attached.Add(egress.AttachTcx(index, ingress: false));
                    }
                });
                a.Hook = "tcx";
                return (a, null);
            }
            catch (BpfException ex)
            {
                a.Dispose();
                a = new TcAttachments(context);
                tcxFailure = ex.Message;
            }
        }

        if (mode == TcxMode.Always)
        {
            return (null, $"tcx required (enableTCX: always) but unavailable: {tcxFailure}");
        }

        if (clsact.IsUnsupported)
        {
            return (null, $"tcx unsupported ({tcxFailure}); clsact unsupported ({clsact.Reason})");
        }

        try
        {
            await context.Netns.RunAsync(() =>
            {
                foreach (var (index, _) in interfaces)
                {
                    foreach (var (prog, isIngress) in new[] { (ingress, true), (egress, false) })
                    {
                        var f = prog.AttachClsact(index, isIngress);
                        context.Ledger.Add(context.Netns.Path, context.Netns.Inode, f);
                        a.attached.Add(new LedgeredFilter(f, context.Ledger));
                    }
                }
            });
        }
        catch (BpfException ex)
        {
            a.Dispose();
            return (null, $"tcx unsupported ({tcxFailure}); clsact failed ({ex.Message})");
        }

        a.Hook = "clsact";
        a.FallbackReason = mode == TcxMode.Off ? null : $"tcx unsupported ({tcxFailure}), using clsact";
        return (a, null);
    }

    public void Dispose()
    {
        if (attached.Count == 0)
        {
            return;
        }

        context.Netns.Invoke(() =>
        {
            foreach (var d in attached)
            {
                d.Dispose();
            }

            return true;
        });
        attached.Clear();
    }

    private sealed class LedgeredFilter(ClsactFilter filter, ClsactLedger ledger) : IDisposable
    {
        public void Dispose()
        {
            filter.Dispose();
            ledger.Remove(filter);
        }
    }
}
