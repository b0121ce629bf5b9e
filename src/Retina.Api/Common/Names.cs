namespace Retina.Api.Common;

/// <summary>Kubernetes naming rules as schema patterns.</summary>
public static class Names
{
    /// <summary>A DNS-1123 subdomain: lower-case alphanumerics, '-' and '.', starting and ending alphanumeric.</summary>
    public const string Dns1123SubdomainPattern = @"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    /// <summary>A DNS-1123 label: at most 63 characters, lower-case alphanumerics and '-'.</summary>
    public const string Dns1123LabelPattern = @"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
}
