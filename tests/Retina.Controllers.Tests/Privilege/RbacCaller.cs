namespace Retina.Controllers.Tests.Privilege;

/// <summary>
/// One right of one of our components (role, API group, resource, verb) and the code that uses it: a source file under
/// <c>src/</c> and a piece of code in it. <see cref="Pending"/> instead names the issue item whose code will use it.
/// </summary>
internal sealed record RbacCaller(string Role, string Group, string Resource, string Verb, string? File, string? Code, string? Pending = null)
{
    public string Right => $"{Role}: {(Group.Length == 0 ? "core" : Group)} {Resource} {Verb}";

    public static RbacCaller At(string role, string group, string resource, string verb, string file, string code) => new(role, group, resource, verb, file, code);

    public static RbacCaller Later(string role, string group, string resource, string verb, string pending) => new(role, group, resource, verb, null, null, pending);
}
