namespace Retina.NodeRuntime.Credentials;

/// <summary>How a node reaches the controllers' credential endpoint.</summary>
public sealed record ControllerCredentialOptions
{
    /// <summary>Base address, e.g. <c>https://retina-controllers-webhook.retina-system.svc</c>.</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>The projected service-account token (audience <c>retina.sh/node-credentials</c>); read on every request, as the kubelet rotates it.</summary>
    public required string TokenPath { get; init; }

    /// <summary>PEM file with the CA certificate(s) the endpoint's serving certificate must chain to; read on every new connection.</summary>
    public required string CaPath { get; init; }

    /// <summary>Attempts on transport errors, 429 and 5xx (a controller rollout); 4xx answers are final.</summary>
    public int Attempts { get; init; } = 4;

    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromMilliseconds(500);
}
