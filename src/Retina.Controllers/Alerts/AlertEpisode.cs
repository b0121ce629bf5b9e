using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Retina.Controllers.Alerts;

/// <summary>
/// One firing episode of one alert: its fingerprint and the start of this firing (a resolved alert that fires again
/// starts a new episode). The child Capture's name comes from it, so a retried or repeated notification of the same
/// episode can never create a second child.
/// </summary>
public readonly record struct AlertEpisode(string Fingerprint, DateTimeOffset StartsAt)
{
    public static AlertEpisode Of(Alert alert) => new(alert.Fingerprint ?? "", alert.StartsAt ?? DateTimeOffset.MinValue);

    /// <summary><c>fingerprint@startsAt</c> (UTC, seconds), as recorded in the policy's status.</summary>
    public string Key => Fingerprint + "@" + StartsAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    /// <summary>
    /// The child's name: the policy's name (shortened to fit) and a hash of policy, trigger and episode, within the
    /// 63 characters a Capture's name (and its labels) may have.
    /// </summary>
    public string ChildName(string policy, string trigger)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(policy + "\n" + trigger + "\n" + Key)))[..10];
        var prefix = policy.Length > 52 ? policy[..52].TrimEnd('-', '.') : policy;
        return prefix + "-" + hash;
    }
}
