using System.Collections.Concurrent;

namespace Retina.Native.Libc;

/// <summary>
/// A dedicated OS thread inside one network namespace. Namespaces are per thread, so work that
/// resolves interfaces, attaches TC programs or reads /proc/thread-self/net is queued here;
/// the rest of the process stays in its own namespace (and keeps tracefs/bpffs visible).
/// </summary>
public sealed class NetnsThread : IDisposable
{
    private readonly BlockingCollection<Action> work = new();
    private readonly Thread thread;

    private NetnsThread(string? path, string? threadName)
    {
        Path = path;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        thread = new Thread(() => Run(path, ready)) { IsBackground = true, Name = threadName ?? "netns " + (path ?? "host") };
        thread.Start();
        ready.Task.GetAwaiter().GetResult();
    }

    /// <summary>The namespace file (e.g. /run/netns/x), or null for the process's own namespace.</summary>
    public string? Path { get; }

    /// <summary>The namespace's inode number (what BPF programs see as net->ns.inum).</summary>
    public uint Inode { get; private set; }

    /// <summary>Starts the thread and enters the namespace; a bare name means /run/netns/&lt;name&gt;.</summary>
    public static NetnsThread Start(string? nameOrPath, string? threadName = null)
    {
        var path = string.IsNullOrEmpty(nameOrPath) ? null
            : nameOrPath.Contains('/') ? nameOrPath : "/run/netns/" + nameOrPath;
        return new NetnsThread(path, threadName);
    }

    /// <summary>Runs one piece of work on a fresh thread inside the namespace, then ends the thread.</summary>
    public static async Task<T> RunOnceAsync<T>(string? nameOrPath, Func<T> work, string? threadName = null)
    {
        using var thread = Start(nameOrPath, threadName);
        return await thread.RunAsync(work).ConfigureAwait(false);
    }

    /// <summary>Moves the calling thread into the namespace at <paramref name="path"/>. Only for threads that are ours alone.</summary>
    public static void Enter(string path)
    {
        var fd = LibC.Open(path, LibC.O_RDONLY | LibC.O_CLOEXEC);
        if (fd < 0)
        {
            throw new IOException($"cannot open network namespace {path}: {LibC.Describe(LibC.LastErrno)}");
        }

        try
        {
            if (LibC.SetNs(fd, LibC.CLONE_NEWNET) != 0)
            {
                throw new IOException($"cannot enter network namespace {path}: {LibC.Describe(LibC.LastErrno)}");
            }
        }
        finally
        {
            LibC.Close(fd);
        }
    }

    private void Run(string? path, TaskCompletionSource ready)
    {
        try
        {
            if (path is not null)
            {
                Enter(path);
            }

            Inode = CurrentInode();
            ready.SetResult();
        }
        catch (Exception ex)
        {
            ready.SetException(ex);
            return;
        }

        foreach (var item in work.GetConsumingEnumerable())
        {
            item();
        }
    }

    /// <summary>The network namespace inode of the calling thread.</summary>
    public static uint CurrentInode()
    {
        var target = new FileInfo($"/proc/thread-self/ns/net").LinkTarget ?? "";
        var open = target.IndexOf('[');
        return open < 0 ? 0 : uint.Parse(target.AsSpan(open + 1, target.Length - open - 2));
    }

    public Task<T> RunAsync<T>(Func<T> func)
    {
        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        work.Add(() =>
        {
            try
            {
                tcs.SetResult(func());
            }
            catch (Exception ex)
            {
                tcs.SetException(ex);
            }
        });
        return tcs.Task;
    }

    public Task RunAsync(Action action) => RunAsync(() =>
    {
        action();
        return true;
    });

    /// <summary>Runs synchronously on the namespace thread (for disposal paths that cannot be async).</summary>
    public T Invoke<T>(Func<T> func) =>
        Thread.CurrentThread == thread ? func() : RunAsync(func).GetAwaiter().GetResult();

    public void Dispose()
    {
        work.CompleteAdding();
        if (Thread.CurrentThread != thread)
        {
            thread.Join();
        }
    }
}
