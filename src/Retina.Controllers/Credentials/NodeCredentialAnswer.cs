using Retina.Api.NodeRuntime;

namespace Retina.Controllers.Credentials;

/// <summary>The credentials for one capture, or the HTTP code and message of why a node may not have them.</summary>
public sealed record NodeCredentialAnswer(int Code, NodeCaptureCredentials? Values, string Message)
{
    public static NodeCredentialAnswer Ok(NodeCaptureCredentials values) => new(200, values, "");

    public static NodeCredentialAnswer Refused(int code, string message) => new(code, null, message);
}
