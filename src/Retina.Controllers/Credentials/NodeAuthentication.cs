namespace Retina.Controllers.Credentials;

/// <summary>Who a credential request is from: the node its token is bound to, or the HTTP code and message of why not.</summary>
public sealed record NodeAuthentication(string? NodeName, int Code, string Message)
{
    public static NodeAuthentication Node(string name) => new(name, 200, "");

    public static NodeAuthentication Unauthorized(string message) => new(null, 401, message);

    public static NodeAuthentication Forbidden(string message) => new(null, 403, message);
}
