using System.Runtime.InteropServices;

namespace Retina.NodeRuntime.Plugins;

/// <summary>Mirror of struct retina_config (bpf/include/retina.h), written before attaching.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct RetinaConfig
{
    /// <summary>0: every namespace; otherwise only events of this namespace inode.</summary>
    public uint NetnsInode;
    public uint Reserved;
}
