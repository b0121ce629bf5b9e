using System.Net;
using Microsoft.Extensions.Logging;
using Retina.NodeRuntime.Agent;
using Retina.NodeRuntime.Enrichment;
using Retina.NodeRuntime.Metrics;
using Retina.NodeRuntime.Plugins;

namespace Retina.NodeRuntime.Triggers;

/// <summary>Connects the threshold evaluator to the agent (spec in, status out), the plugins (fresh counts) and the pod cache.</summary>
public static class ThresholdWiring
{
    public static ThresholdEvaluator Create(NodeMetrics metrics, PluginHost? plugins, EnrichmentCache pods, NodeAgent agent, TimeProvider time, ILogger logger)
    {
        var evaluator = new ThresholdEvaluator(metrics, time)
        {
            Logger = logger,
            Refresh = plugins is null ? () => { } : plugins.CollectNow,
            PodOf = ip => IPAddress.TryParse(ip, out var address) && pods.Lookup(address) is { IsLocal: true } pod ? (pod.Namespace, pod.Name) : null,
            PluginRunning = plugins is null
                ? _ => false
                : name => plugins.Current.Any(p => p.Name == name && p.State is PluginPhase.Running or PluginPhase.Degraded),
        };
        evaluator.Changed += agent.Wake;
        agent.ApplyTriggers = evaluator.Apply;
        agent.TriggerStatus = evaluator.Report;
        return evaluator;
    }
}
