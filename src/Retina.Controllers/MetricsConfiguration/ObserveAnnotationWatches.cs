using k8s.Models;
using Retina.Controllers.NodeRuntime;
using Retina.Kube.Client;
using Retina.Kube.Controllers;

namespace Retina.Controllers.MetricsConfiguration;

/// <summary>
/// The watches the <c>retina.sh: observe</c> annotation needs (only with EnableAnnotations): a pod's change touches its
/// node's NodeRuntime, a namespace's every node's.
/// </summary>
public static class ObserveAnnotationWatches
{
    public static void Add(Controller<V1Node> controller, NodeRuntimeReconciler reconciler)
    {
        reconciler.Pods = controller.Watches<V1Pod>(p => p.Spec?.NodeName is { Length: > 0 } node ? [ObjectKey.Cluster(node)] : []).Cache;
        reconciler.Namespaces = controller.Watches<V1Namespace>(_ => controller.Informer.Cache.List().Select(ObjectKey.Of)).Cache;
    }
}
