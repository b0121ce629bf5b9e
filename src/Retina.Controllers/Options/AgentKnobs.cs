using System.Globalization;

namespace Retina.Controllers.Options;

/// <summary>Retina's agent keys (<see cref="RetinaAgentOptions"/>) as the plugin settings NodeRuntime spec.plugins[].settings carries.</summary>
public static class AgentKnobs
{
    /// <summary>Settings per plugin name; a plugin absent here gets none. Only values that differ from the plugin's defaults are written.</summary>
    public static IReadOnlyDictionary<string, Dictionary<string, string>> PluginSettings(RetinaControllerOptions options)
    {
        var a = options.Agent;
        var pp = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!a.DataAggregationLevel.Equals("low", StringComparison.OrdinalIgnoreCase))
        {
            pp["aggregation"] = a.DataAggregationLevel.ToLowerInvariant();
        }

        if (a.DataSamplingRate > 1)
        {
            // packetparser samples the packets it sends one by one; the connection table reports every packet already
            // aggregated, so sampling means leaving it (Retina samples per packet too).
            pp["sampling"] = a.DataSamplingRate.ToString(CultureInfo.InvariantCulture);
            pp["conntrack"] = "false";
        }

        if (a.ConntrackReportInterval != "2s")
        {
            pp["reportInterval"] = a.ConntrackReportInterval;
        }

        if (a.BypassLookupIPOfInterest)
        {
            pp["filterIps"] = "false";
        }

        if (a.FilterMapMaxEntries != 0)
        {
            pp["addressTableSize"] = a.FilterMapMaxEntries.ToString(CultureInfo.InvariantCulture);
        }

        if (!a.EnableTCX.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            pp["tcx"] = a.EnableTCX.ToLowerInvariant();
        }

        if (a.PacketParserRingBufferSize != 0)
        {
            pp["ringBufferSize"] = a.PacketParserRingBufferSize.ToString(CultureInfo.InvariantCulture);
        }

        if (a.EnableConntrackMetrics)
        {
            pp["conntrackMetrics"] = "true";
        }

        return new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal) { ["packetparser"] = pp };
    }
}
