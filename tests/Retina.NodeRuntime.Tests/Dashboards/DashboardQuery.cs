namespace Retina.NodeRuntime.Tests.Dashboards;

/// <summary>
/// One panel target of a published Retina dashboard: the PromQL Grafana would send, with its template variables already
/// replaced by concrete values (see <see cref="DashboardVariables"/>).
/// </summary>
/// <param name="Dashboard">Short name of the dashboard (see <see cref="RetinaDashboardQueries"/> for file and commit).</param>
/// <param name="PanelId">Grafana's panel id: two panels of one dashboard may share a title.</param>
/// <param name="Panel">The panel's title (for an untitled stat panel, its legend text).</param>
/// <param name="PromQl">The query, variables substituted.</param>
/// <param name="Needs">Where the data comes from; anything but <see cref="PanelNeeds.LinuxNode"/> may be empty on a Linux test node.</param>
public sealed record DashboardQuery(string Dashboard, int PanelId, string Panel, string PromQl, PanelNeeds Needs = PanelNeeds.LinuxNode)
{
    public bool ProducibleOnLinuxNode => Needs == PanelNeeds.LinuxNode;

    /// <summary>"dashboard / panel (#id)": unique within the list, and what a failing test prints.</summary>
    public string Key => $"{Dashboard} / {Panel} (#{PanelId})";

    public override string ToString() => $"{Key}: {PromQl}";
}
