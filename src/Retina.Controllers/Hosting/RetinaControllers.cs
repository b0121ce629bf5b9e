using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Retina.Api;
using Retina.Api.Common;
using Retina.Api.ShellSession;
using Retina.Controllers.Capture;
using Retina.Controllers.Endpoints;
using Retina.Controllers.MetricsConfiguration;
using Retina.Controllers.NodeRuntime;
using Retina.Controllers.ShellSession;
using Retina.Controllers.TraceSession;
using Retina.Controllers.Options;
using Retina.Controllers.Validation;
using Retina.Kube.Client;
using Retina.Kube.Controllers;
using Retina.Kube.Events;
using NodeRuntimeObject = Retina.Api.NodeRuntime.NodeRuntime;
using MetricsConfig = Retina.Api.MetricsConfiguration.MetricsConfiguration;

namespace Retina.Controllers.Hosting;

/// <summary>Builds every controller of Retina.NET over one client: the same set runs in the cluster and in local mode.</summary>
public static class RetinaControllers
{
    /// <param name="stateMetrics">Where the gauges of work in progress and heartbeats are exported (default: <see cref="ControllerStateMetrics.Default"/>).</param>
    public static IReadOnlyList<IController> Create(IKubeClient client, RetinaControllerOptions options, ILoggerFactory loggers, TimeProvider time,
        ControllerOptions? controllerOptions = null, ControllerStateMetrics? stateMetrics = null)
    {
        controllerOptions ??= new ControllerOptions();
        stateMetrics ??= ControllerStateMetrics.Default;
        var controllers = new List<IController>
        {
            NodeRuntimes(client, options, loggers, time, controllerOptions),
            MetricsConfigurations(client, loggers, time, controllerOptions),
        };

        // Kinds whose full reconcilers land in later issues are admitted (validated, conditions written) already.
        var captures = Captures(client, options, loggers, time, controllerOptions);
        var traces = TraceSessions(client, options, loggers, time, controllerOptions);
        var nodeTriggers = NodeTriggers(client, options, loggers, time, controllerOptions);
        controllers.Add(captures);
        controllers.Add(traces);
        controllers.Add(CapturePolicies(client, loggers, time, controllerOptions));
        controllers.Add(nodeTriggers);
        stateMetrics.Track("Capture", captures.Informer, c => c.Status?.Phase, Api.Capture.CapturePhase.All);
        stateMetrics.Track("TraceSession", traces.Informer, t => t.Status?.Phase, Api.Capture.CapturePhase.All);
        stateMetrics.TrackNodeRuntimes(nodeTriggers.Informer, options.NodeRuntimeGraceSpan);

        // Remote context's slim pod projection, for node runtimes that watch it instead of every Pod.
        if (options.Agent.EnableRetinaEndpoint)
        {
            controllers.Add(RetinaEndpoints(client, loggers, time, controllerOptions));
        }

        // Local mode runs node shells as processes of its host (Retina.Local/Shell) instead of pods.
        if (options.ShellSessionPods)
        {
            var shells = ShellSessions(client, options, loggers, time, controllerOptions);
            controllers.Add(shells);
            stateMetrics.Track("ShellSession", shells.Informer, s => s.Status?.Phase, ShellPhase.All);
        }

        return controllers;
    }

    public static Controller<V1Node> NodeRuntimes(IKubeClient client, RetinaControllerOptions options, ILoggerFactory loggers, TimeProvider time, ControllerOptions controllerOptions)
    {
        var reconciler = new NodeRuntimeReconciler(client, options);
        var controller = new Controller<V1Node>("noderuntime", client, reconciler, controllerOptions, loggers.CreateLogger("noderuntime"), time);
        IEnumerable<ObjectKey> AllNodes(MetricsConfig _) => controller.Informer.Cache.List().Select(ObjectKey.Of);
        reconciler.Nodes = controller.Informer.Cache;
        reconciler.Configs = controller.Watches<MetricsConfig>(AllNodes).Cache;
        reconciler.Policies = controller.Watches<Api.CapturePolicy.CapturePolicy>(_ => controller.Informer.Cache.List().Select(ObjectKey.Of)).Cache;
        reconciler.Runtimes = controller.Watches<NodeRuntimeObject>(r => [ObjectKey.Cluster(r.Metadata.Name)]).Cache;
        if (options.Agent.EnableAnnotations && options.Agent.EnablePodLevel)
        {
            ObserveAnnotationWatches.Add(controller, reconciler);
        }

        return controller;
    }

    /// <summary>RetinaEndpoints: one per pod with its own addresses, mirrored from the pod watch (<see cref="RetinaEndpointReconciler"/>).</summary>
    public static Controller<V1Pod> RetinaEndpoints(IKubeClient client, ILoggerFactory loggers, TimeProvider time, ControllerOptions controllerOptions)
    {
        var reconciler = new RetinaEndpointReconciler(client);
        var controller = new Controller<V1Pod>("retinaendpoint", client, reconciler, controllerOptions, loggers.CreateLogger("retinaendpoint"), time);
        reconciler.Pods = controller.Informer.Cache;
        reconciler.Endpoints = controller.Watches<Api.RetinaEndpoint.RetinaEndpoint>(e => [ObjectKey.Of(e)]).Cache;
        return controller;
    }

    public static Controller<MetricsConfig> MetricsConfigurations(IKubeClient client, ILoggerFactory loggers, TimeProvider time, ControllerOptions controllerOptions)
    {
        var reconciler = new MetricsConfigurationReconciler(client, time);
        var controller = new Controller<MetricsConfig>("metricsconfiguration", client, reconciler, controllerOptions, loggers.CreateLogger("metricsconfiguration"), time);
        reconciler.Configs = controller.Informer.Cache;
        reconciler.Runtimes = controller.Watches<NodeRuntimeObject>(_ => controller.Informer.Cache.List().Select(ObjectKey.Of)).Cache;
        return controller;
    }

    public static Controller<Api.Capture.Capture> Captures(IKubeClient client, RetinaControllerOptions options, ILoggerFactory loggers, TimeProvider time, ControllerOptions controllerOptions)
    {
        var events = new EventRecorder(client, "retina-controllers", timeProvider: time, logger: loggers.CreateLogger("events"));
        var reconciler = new CaptureReconciler(client, options, events, time);
        var controller = new Controller<Api.Capture.Capture>("capture", client, reconciler, controllerOptions, loggers.CreateLogger("capture"), time);
        var captures = controller.Informer.Cache;
        IEnumerable<ObjectKey> Running(Func<Api.Capture.Capture, bool> which) =>
            captures.List().Where(c => !Api.Capture.CapturePhase.IsFinished(c.Status?.Phase) && which(c)).Select(ObjectKey.Of);

        reconciler.Captures = captures;
        reconciler.Nodes = controller.Watches<V1Node>(_ => Running(c => c.Spec.CaptureConfiguration.CaptureTarget?.NodeSelector is not null)).Cache;
        reconciler.Pods = controller.Watches<V1Pod>(p => Running(c => c.Metadata.NamespaceProperty == p.Metadata.NamespaceProperty
            || c.Spec.CaptureConfiguration.CaptureTarget?.NamespaceSelector is not null)).Cache;
        reconciler.Namespaces = controller.Watches<V1Namespace>(_ => Running(c => c.Spec.CaptureConfiguration.CaptureTarget?.NamespaceSelector is not null)).Cache;
        reconciler.Runtimes = controller.Watches<NodeRuntimeObject>(r => (r.Status?.Captures ?? []).Select(s => s.Key)
            .Concat((r.Spec.Captures ?? []).Select(a => a.Key))
            .Select(k => k.Split('/'))
            .Where(parts => parts.Length == 3)
            .Select(parts => new ObjectKey(parts[0], parts[1]))
            .Distinct()).Cache;
        controller.Owns<V1Job>();
        return controller;
    }

    public static Controller<Api.TraceSession.TraceSession> TraceSessions(IKubeClient client, RetinaControllerOptions options, ILoggerFactory loggers, TimeProvider time, ControllerOptions controllerOptions)
    {
        var events = new EventRecorder(client, "retina-controllers", timeProvider: time, logger: loggers.CreateLogger("events"));
        var reconciler = new TraceSessionReconciler(client, options, events, time);
        var controller = new Controller<Api.TraceSession.TraceSession>("tracesession", client, reconciler, controllerOptions, loggers.CreateLogger("tracesession"), time);
        var traces = controller.Informer.Cache;
        IEnumerable<ObjectKey> Running(Func<Api.TraceSession.TraceSession, bool> which) =>
            traces.List().Where(t => !Api.Capture.CapturePhase.IsFinished(t.Status?.Phase) && which(t)).Select(ObjectKey.Of);

        reconciler.Traces = traces;
        reconciler.Nodes = controller.Watches<V1Node>(_ => Running(t => t.Spec.Target.NodeSelector is not null)).Cache;
        reconciler.Pods = controller.Watches<V1Pod>(p => Running(t => t.Metadata.NamespaceProperty == p.Metadata.NamespaceProperty || t.Spec.Target.NamespaceSelector is not null)).Cache;
        reconciler.Namespaces = controller.Watches<V1Namespace>(_ => Running(t => t.Spec.Target.NamespaceSelector is not null)).Cache;
        reconciler.Runtimes = controller.Watches<NodeRuntimeObject>(r => (r.Status?.Traces ?? []).Select(s => s.Key)
            .Concat((r.Spec.Traces ?? []).Select(a => a.Key))
            .Select(k => k.Split('/'))
            .Where(parts => parts.Length == 3)
            .Select(parts => new ObjectKey(parts[0], parts[1]))
            .Distinct()).Cache;
        return controller;
    }

    /// <summary>
    /// CapturePolicies: validated and armed here, fired by the Alertmanager receiver (<c>Alerts/</c>); status.activeCaptures
    /// follows the policy's children as they run and finish.
    /// </summary>
    public static Controller<Api.CapturePolicy.CapturePolicy> CapturePolicies(IKubeClient client, ILoggerFactory loggers, TimeProvider time, ControllerOptions controllerOptions)
    {
        Kube.Informers.ObjectCache<Api.Capture.Capture>? children = null;
        void Verdict(Api.CapturePolicy.CapturePolicy policy, ValidationReport report, DateTime now)
        {
            Verdicts.CapturePolicy(policy, report, now);
            var running = (children?.List() ?? [])
                .Where(c => c.Metadata.NamespaceProperty == policy.Metadata.NamespaceProperty && PolicyOf(c) == policy.Metadata.Name && !Api.Capture.CapturePhase.IsFinished(c.Status?.Phase))
                .Select(c => c.Metadata.Name).Order(StringComparer.Ordinal).Take(10).ToList();
            policy.Status!.ActiveCaptures = running.Count == 0 ? null : running;
        }

        var controller = Acceptance<Api.CapturePolicy.CapturePolicy>(client, loggers, time, controllerOptions, Verdict);
        children = controller.Watches<Api.Capture.Capture>(c => PolicyOf(c) is { } p ? [new ObjectKey(c.Metadata.NamespaceProperty, p)] : []).Cache;
        return controller;
    }

    /// <summary>Node-local threshold breaches (NodeRuntime.status.triggers) fire their CapturePolicies, and stop children early on resolve.</summary>
    public static Controller<NodeRuntimeObject> NodeTriggers(IKubeClient client, RetinaControllerOptions options, ILoggerFactory loggers, TimeProvider time, ControllerOptions controllerOptions)
    {
        var events = new EventRecorder(client, "retina-controllers", timeProvider: time, logger: loggers.CreateLogger("events"));
        var recorder = new Alerts.AlertFiringRecorder(client, options.AlertFiring, events, Alerts.AlertWebhookMetrics.Default, time, loggers.CreateLogger("retina.nodetrigger"));
        var reconciler = new Alerts.NodeTriggerReconciler(recorder, new Alerts.ResolvedStopper(client, events), time);
        var controller = new Controller<NodeRuntimeObject>("nodetrigger", client, reconciler, controllerOptions, loggers.CreateLogger("nodetrigger"), time);
        reconciler.Runtimes = controller.Informer.Cache;
        return controller;
    }

    private static string? PolicyOf(Api.Capture.Capture c) =>
        c.Metadata.Labels is { } labels && labels.TryGetValue(Alerts.ChildCapture.PolicyLabel, out var policy) ? policy : null;

    public static Controller<Api.ShellSession.ShellSession> ShellSessions(IKubeClient client, RetinaControllerOptions options, ILoggerFactory loggers, TimeProvider time, ControllerOptions controllerOptions)
    {
        var events = new EventRecorder(client, "retina-controllers", timeProvider: time, logger: loggers.CreateLogger("events"));
        var reconciler = new ShellSessionReconciler(client, options, events, time);
        var controller = new Controller<Api.ShellSession.ShellSession>("shellsession", client, reconciler, controllerOptions, loggers.CreateLogger("shellsession"), time);
        var sessions = controller.Informer.Cache;
        reconciler.Sessions = sessions;

        // Node shells' pods (Retina namespace, found by label: an owner reference cannot cross namespaces).
        controller.Watches<V1Pod>(p => p.Metadata.Labels is { } l && l.TryGetValue(ShellNames.SessionNamespaceLabel, out var ns) && l.TryGetValue(ShellNames.SessionNameLabel, out var name)
                ? sessions.List().Where(s => s.Metadata.NamespaceProperty == ns && ShellNames.Labels(ns, s.Metadata.Name)[ShellNames.SessionNameLabel] == name).Select(ObjectKey.Of)
                : [],
            controllerOptions.Informer with { Namespace = options.Namespace, LabelSelector = ShellNames.Selector });

        // Pod shells: the target pod's ephemeral container status.
        controller.Watches<V1Pod>(p => sessions.List()
            .Where(s => s.Spec.Target.Pod?.Name == p.Metadata.Name && s.Metadata.NamespaceProperty == p.Metadata.NamespaceProperty && !Api.ShellSession.ShellPhase.IsFinished(s.Status?.Phase))
            .Select(ObjectKey.Of));
        return controller;
    }

    private static Controller<T> Acceptance<T>(IKubeClient client, ILoggerFactory loggers, TimeProvider time, ControllerOptions controllerOptions,
        Action<T, ValidationReport, DateTime> verdict, ResourceKind? kind = null)
        where T : class, IResource, IKubernetesObject<V1ObjectMeta>
    {
        kind ??= ResourceKinds.All.Single(k => k.Type == typeof(T));
        var reconciler = new AcceptanceReconciler<T>(client, kind, time, verdict);
        var name = kind.Singular;
        var controller = new Controller<T>(name, client, reconciler, controllerOptions, loggers.CreateLogger(name), time);
        reconciler.Cache = controller.Informer.Cache;
        return controller;
    }
}
