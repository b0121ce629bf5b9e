using Retina.Native.Libc;

namespace Retina.Native.Packet;

/// <summary>
/// Capture-side helpers over <see cref="NetnsThread"/>: the namespace belongs to a thread, not to the process, so work
/// runs on a dedicated OS thread that entered the namespace; sockets it opens stay in that namespace.
/// </summary>
public static class NetworkNamespace
{
    /// <summary>The path of a namespace made by <c>ip netns add NAME</c>.</summary>
    public static string PathOf(string ipNetnsName) => Path.Combine("/run/netns", ipNetnsName);

    /// <summary>Runs <paramref name="work"/> on a new thread inside the namespace at <paramref name="namespacePath"/> (null: the current one).</summary>
    public static Task<T> RunAsync<T>(string? namespacePath, Func<T> work, string threadName = "netns")
    {
        ArgumentNullException.ThrowIfNull(work);
        return NetnsThread.RunOnceAsync(namespacePath, work, threadName);
    }

    /// <summary>Moves the calling thread into a namespace. Only for threads that are ours alone.</summary>
    public static void Enter(string namespacePath)
    {
        try
        {
            NetnsThread.Enter(namespacePath);
        }
        catch (IOException e)
        {
            throw new PacketException(e.Message, 2);
        }
    }
}
