using Microsoft.Win32.SafeHandles;

namespace Retina.Native.Packet;

/// <summary>
/// Runs work inside a network namespace. The namespace belongs to a thread, not to the process, so the work runs on a
/// dedicated OS thread that enters the namespace with <c>setns</c>; sockets it opens stay in that namespace, and child
/// processes it starts inherit it.
/// </summary>
public static class NetworkNamespace
{
    /// <summary>The path of a namespace made by <c>ip netns add NAME</c>.</summary>
    public static string PathOf(string ipNetnsName) => Path.Combine("/run/netns", ipNetnsName);

    /// <summary>Runs <paramref name="work"/> on a new thread inside the namespace at <paramref name="namespacePath"/> (null: the current one).</summary>
    public static Task<T> RunAsync<T>(string? namespacePath, Func<T> work, string threadName = "netns")
    {
        ArgumentNullException.ThrowIfNull(work);
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            SafeFileHandle? original = null;
            try
            {
                if (namespacePath is not null)
                {
                    original = File.OpenHandle("/proc/thread-self/ns/net");
                    Enter(namespacePath);
                }

                done.SetResult(work());
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
            finally
            {
                if (original is not null)
                {
                    // Best effort: the thread ends right after, taking its namespace with it.
                    _ = PacketNative.SetNs((int)original.DangerousGetHandle(), PacketNative.CloneNewNet);
                    original.Dispose();
                }
            }
        })
        {
            IsBackground = true,
            Name = threadName,
        };
        thread.Start();
        return done.Task;
    }

    /// <summary>Moves the calling thread into a namespace. Only for threads that are ours alone.</summary>
    public static void Enter(string namespacePath)
    {
        SafeFileHandle target;
        try
        {
            target = File.OpenHandle(namespacePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PacketException($"cannot open network namespace {namespacePath}: {e.Message}", 2);
        }

        using (target)
        {
            if (PacketNative.SetNs((int)target.DangerousGetHandle(), PacketNative.CloneNewNet) != 0)
            {
                throw PacketException.FromLastError($"setns({namespacePath})");
            }
        }
    }
}
