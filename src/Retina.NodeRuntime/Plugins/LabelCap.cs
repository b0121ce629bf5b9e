namespace Retina.NodeRuntime.Plugins;

/// <summary>Bounds a label's distinct values: the first <c>max</c> pass, later ones become "other".</summary>
public sealed class LabelCap(int max)
{
    public const string Other = "other";
    private readonly HashSet<string> seen = [];

    public string Apply(string value)
    {
        lock (seen)
        {
            return seen.Contains(value) || (seen.Count < max && seen.Add(value)) ? value : Other;
        }
    }
}
