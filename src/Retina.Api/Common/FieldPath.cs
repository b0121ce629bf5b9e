namespace Retina.Api.Common;

/// <summary>Builds field paths the way Kubernetes prints them: <c>spec.a.b[2].c</c>.</summary>
public static class FieldPath
{
    public static string Child(string parent, string name) => parent.Length == 0 ? name : parent + "." + name;

    public static string Index(string parent, int index) => $"{parent}[{index}]";

    public static string Key(string parent, string key) => $"{parent}[{key}]";
}
