using System.Diagnostics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Retina.Kube.Client;
using Retina.Kube.Informers;
using Retina.Kube.Queue;

namespace Retina.Kube.Controllers;

/// <summary>
/// Wires informers to a work queue and the queue to a reconciler: changes of the primary kind enqueue their own key;
/// changes of secondary kinds enqueue the keys a mapping function (or the owner references) names.
/// </summary>
public sealed class Controller<T> : IController
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly IKubeClient client;
    private readonly IReconciler reconciler;
    private readonly ControllerOptions options;
    private readonly ILogger logger;
    private readonly TimeProvider time;
    private readonly ControllerMetrics metrics;
    private readonly List<IInformer> informers = [];

    public Controller(string name, IKubeClient client, IReconciler reconciler, ControllerOptions? options = null,
        ILogger? logger = null, TimeProvider? timeProvider = null, ControllerMetrics? metrics = null)
    {
        Name = name;
        this.client = client;
        this.reconciler = reconciler;
        this.options = options ?? new ControllerOptions();
        this.logger = logger ?? NullLogger.Instance;
        time = timeProvider ?? TimeProvider.System;
        this.metrics = metrics ?? ControllerMetrics.Default;
        Queue = new WorkQueue<ObjectKey>(this.options.Queue, time);
        Informer = new Informer<T>(client, this.options.Informer, this.logger, time);
        Informer.AddHandler(new EnqueueHandler<T>(o => [ObjectKey.Of(o)], this));
        informers.Add(Informer);
    }

    public string Name { get; }

    /// <summary>The primary kind's informer; its cache is the cheap way for the reconciler to read.</summary>
    public Informer<T> Informer { get; }

    public WorkQueue<ObjectKey> Queue { get; }

    public bool IsSynced => informers.All(i => i.IsSynced);

    /// <summary>Also watch <typeparamref name="TOther"/>; each change enqueues the keys <paramref name="map"/> returns.</summary>
    public Informer<TOther> Watches<TOther>(Func<TOther, IEnumerable<ObjectKey>> map, InformerOptions? informerOptions = null)
        where TOther : class, IKubernetesObject<V1ObjectMeta>
    {
        var informer = new Informer<TOther>(client, informerOptions ?? options.Informer, logger, time);
        informer.AddHandler(new EnqueueHandler<TOther>(map, this));
        informers.Add(informer);
        return informer;
    }

    /// <summary>Also watch <typeparamref name="TOwned"/>; a change enqueues the owner named by a controller owner reference of kind <typeparamref name="T"/>.</summary>
    public Informer<TOwned> Owns<TOwned>(InformerOptions? informerOptions = null)
        where TOwned : class, IKubernetesObject<V1ObjectMeta>
    {
        var owner = ResourceDescriptor.For<T>();
        return Watches<TOwned>(o => (o.Metadata?.OwnerReferences ?? [])
            .Where(r => r.Kind == owner.Kind && r.ApiVersion == owner.ApiVersion)
            .Select(r => new ObjectKey(owner.Namespaced ? o.Metadata!.NamespaceProperty : null, r.Name)), informerOptions);
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var informerTasks = informers.Select(i => i.RunAsync(stop.Token)).ToList();
        try
        {
            await Task.WhenAll(informers.Select(i => i.WaitForSyncAsync(stop.Token))).ConfigureAwait(false);
            ControllerLog.Started(logger, Name, options.Workers);
            var workers = Enumerable.Range(0, options.Workers).Select(_ => WorkerAsync(stop.Token)).ToList();
            if (options.ResyncPeriod > TimeSpan.Zero)
            {
                workers.Add(ResyncAsync(stop.Token));
            }

            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Normal shutdown.
        }
        finally
        {
            Queue.ShutDown();
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(informerTasks).ConfigureAwait(false);
        }
    }

    private async Task WorkerAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            ObjectKey key;
            try
            {
                key = await Queue.TakeAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            metrics.QueueDepth.WithLabels(Name).Set(Queue.Depth);
            var watch = Stopwatch.StartNew();
            ReconcileResult result;
            try
            {
                result = await reconciler.ReconcileAsync(key, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Queue.Done(key);
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                result = ReconcileResult.Failed(e.GetType().Name + ": " + e.Message);
                ControllerLog.ReconcileThrew(logger, e, Name, key.ToString(), TimeSpan.Zero);
            }

            metrics.ReconcileDuration.WithLabels(Name).Observe(watch.Elapsed.TotalSeconds);
            if (result.IsError)
            {
                metrics.ReconcileTotal.WithLabels(Name, "error").Inc();
                metrics.ReconcileErrors.WithLabels(Name).Inc();
                var delay = Queue.AddRateLimited(key);
                ControllerLog.ReconcileFailed(logger, Name, key.ToString(), result.Error!, delay);
            }
            else
            {
                Queue.Forget(key);
                if (result.RequeueAfter is { } after)
                {
                    metrics.ReconcileTotal.WithLabels(Name, "requeue").Inc();
                    Queue.AddAfter(key, after);
                }
                else
                {
                    metrics.ReconcileTotal.WithLabels(Name, "done").Inc();
                }

                ControllerLog.Reconciled(logger, Name, key.ToString(), result.ToString());
            }

            Queue.Done(key);
        }
    }

    private async Task ResyncAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.ResyncPeriod, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var key in Informer.Cache.Keys())
                {
                    Enqueue(key);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Normal shutdown.
        }
    }

    private void Enqueue(ObjectKey key)
    {
        Queue.Add(key);
        metrics.QueueDepth.WithLabels(Name).Set(Queue.Depth);
    }

    private sealed class EnqueueHandler<TObj>(Func<TObj, IEnumerable<ObjectKey>> map, Controller<T> controller) : IInformerHandler<TObj>
    {
        public void OnAdd(TObj obj) => Enqueue(obj);

        // Both the old and the new object's keys (a change can move an object to another owner), each once: adding the
        // same key twice could hand it to a worker in between and reconcile it twice for one change.
        public void OnUpdate(TObj previous, TObj current) => Enqueue(map(previous).Concat(map(current)).Distinct());

        public void OnDelete(TObj obj) => Enqueue(obj);

        private void Enqueue(TObj obj) => Enqueue(map(obj));

        private void Enqueue(IEnumerable<ObjectKey> keys)
        {
            foreach (var key in keys)
            {
                controller.Enqueue(key);
            }
        }
    }
}
