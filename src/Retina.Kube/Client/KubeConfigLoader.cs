using k8s;

namespace Retina.Kube.Client;

/// <summary>Finds the API server as kubectl would: in-cluster service account, else $KUBECONFIG, else ~/.kube/config.</summary>
public static class KubeConfigLoader
{
    public static KubernetesClientConfiguration Load()
    {
        if (KubernetesClientConfiguration.IsInCluster())
        {
            return KubernetesClientConfiguration.InClusterConfig();
        }

        var path = Environment.GetEnvironmentVariable("KUBECONFIG")?.Split(':', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()
            ?? KubernetesClientConfiguration.KubeConfigDefaultLocation;
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"not running in a cluster and no kubeconfig at {path}: set KUBECONFIG (or run `retina run` for local mode)");
        }

        return KubernetesClientConfiguration.BuildConfigFromConfigFile(path);
    }
}
