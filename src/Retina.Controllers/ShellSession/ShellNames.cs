using System.Security.Cryptography;
using System.Text;

namespace Retina.Controllers.ShellSession;

/// <summary>
/// Names and labels of what a ShellSession owns. A node shell's pod lives in the Retina namespace while its session
/// may live in any namespace, and an owner reference cannot cross namespaces: the labels below (plus the session's
/// finalizer) are what ties the pod to its session for the watch and for cleanup.
/// </summary>
public static class ShellNames
{
    public const string SessionNamespaceLabel = "retina.sh/shellsession-namespace";
    public const string SessionNameLabel = "retina.sh/shellsession-name";
    public const string ComponentLabel = "app.kubernetes.io/component";
    public const string Component = "shell";
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string ManagedBy = "retina-controllers";

    /// <summary>The container name of a node shell's pod.</summary>
    public const string Container = "shell";

    /// <summary>The label selector of every shell pod (the controller's pod watch).</summary>
    public const string Selector = ComponentLabel + "=" + Component + "," + ManagedByLabel + "=" + ManagedBy;

    /// <summary><c>shell-NAMESPACE-NAME</c>, cut to fit with a hash of both so two sessions never share a pod.</summary>
    public static string PodName(string ns, string name) => Fit($"shell-{ns}-{name}", ns + "/" + name, 63);

    /// <summary>The ephemeral container's name in the target pod: <c>retina-shell-NAME</c>, cut to fit a DNS label.</summary>
    public static string EphemeralContainer(string name) => Fit("retina-shell-" + name, name, 63);

    /// <summary>Label values must be at most 63 characters: long names are cut and the full key is kept in an annotation.</summary>
    public static Dictionary<string, string> Labels(string ns, string name) => new(StringComparer.Ordinal)
    {
        [ComponentLabel] = Component,
        [ManagedByLabel] = ManagedBy,
        [SessionNamespaceLabel] = ns,
        [SessionNameLabel] = Fit(name, name, 63),
    };

    private static string Fit(string value, string key, int max)
    {
        if (value.Length <= max)
        {
            return value;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..8];
        return value[..(max - 9)].TrimEnd('-', '.') + "-" + hash;
    }
}
