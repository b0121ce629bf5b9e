namespace Retina.Api.Common;

/// <summary>The API group and version every Retina.NET kind lives in.</summary>
public static class RetinaGroup
{
    public const string Group = "retina.sh";
    public const string Version = "v1alpha1";
    public const string ApiVersion = Group + "/" + Version;
}
