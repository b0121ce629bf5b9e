using System.Text.Json.Nodes;
using Retina.Kube.Client;
using Retina.Testing.FakeKubeApi.Auth;

namespace Retina.Testing.FakeKubeApi.Webhooks;

/// <summary>The <c>AdmissionReview</c> (admission.k8s.io/v1) a real API server POSTs to a webhook.</summary>
internal static class FakeAdmissionReview
{
    public static JsonObject Request(ResourceDescriptor d, string subresource, string operation, string? ns, string name,
        FakeUser user, JsonObject? obj, JsonObject? oldObj, bool dryRun)
    {
        var kind = new JsonObject { ["group"] = d.Group, ["version"] = d.Version, ["kind"] = d.Kind };
        var resource = new JsonObject { ["group"] = d.Group, ["version"] = d.Version, ["resource"] = d.Plural };
        var request = new JsonObject
        {
            ["uid"] = Guid.NewGuid().ToString(),
            ["kind"] = kind,
            ["resource"] = resource,
            ["requestKind"] = kind.DeepClone(),
            ["requestResource"] = resource.DeepClone(),
            ["name"] = name,
            ["operation"] = operation,
            ["userInfo"] = UserInfo(user),
            ["object"] = obj?.DeepClone(),
            ["oldObject"] = oldObj?.DeepClone(),
            ["dryRun"] = dryRun,
            ["options"] = new JsonObject
            {
                ["apiVersion"] = "meta.k8s.io/v1",
                ["kind"] = operation switch
                {
                    "CREATE" => "CreateOptions",
                    "DELETE" => "DeleteOptions",
                    _ => "UpdateOptions",
                },
            },
        };
        if (subresource.Length > 0)
        {
            request["subResource"] = subresource;
            request["requestSubResource"] = subresource;
        }

        if (ns is not null)
        {
            request["namespace"] = ns;
        }

        return new JsonObject { ["apiVersion"] = "admission.k8s.io/v1", ["kind"] = "AdmissionReview", ["request"] = request };
    }

    private static JsonObject UserInfo(FakeUser user)
    {
        var info = new JsonObject
        {
            ["username"] = user.Username,
            ["groups"] = new JsonArray([.. user.Groups.Select(g => (JsonNode?)g)]),
        };
        if (user.Uid is not null)
        {
            info["uid"] = user.Uid;
        }

        if (user.Extra is { Count: > 0 } extra)
        {
            var e = new JsonObject();
            foreach (var (key, values) in extra)
            {
                e[key] = new JsonArray([.. values.Select(v => (JsonNode?)v)]);
            }

            info["extra"] = e;
        }

        return info;
    }
}
