using System.Net;
using System.Text.Json.Nodes;
using k8s.Models;
using Retina.Kube.Client;
using Retina.Kube.Store;

namespace Retina.Kube.Schema;

/// <summary>
/// The API server's handling of a custom resource write, for the kinds that have a CRD: prune unknown fields, drop
/// non-nullable nulls, apply defaults (<see cref="StructuralSchema"/>), then validate with NJsonSchema and answer
/// 422 Invalid with the server's <c>Status</c> (<c>details.causes[].field</c>). A write through the main resource is
/// checked without status (the store keeps the stored status there); a status write checks status only.
/// Kinds without a CRD (pods, nodes, …) pass unchanged.
/// </summary>
public sealed class CrdSchemaAdmission(IReadOnlyDictionary<(string Group, string Kind), CrdSchema> schemas) : IStoreAdmission
{
    public void Admit(ResourceDescriptor d, JsonObject candidate, StoreWriteScope scope)
    {
        if (!schemas.TryGetValue((d.Group, d.Kind), out var crd))
        {
            return;
        }

        var causes = new List<V1StatusCause>();
        if (scope == StoreWriteScope.Object && (string?)candidate["metadata"]?["name"] is { } name && !IsDnsSubdomain(name))
        {
            causes.Add(new V1StatusCause
            {
                Reason = "FieldValueInvalid",
                Field = "metadata.name",
                Message = $"Invalid value: \"{name}\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                    + "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
                    + @"'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
            });
        }

        if (scope == StoreWriteScope.Object)
        {
            ObjectMetaRules.Check(candidate["metadata"] as JsonObject, causes);
        }

        var checkStatus = scope == StoreWriteScope.Status || !d.HasStatusSubresource;
        var checkRest = scope == StoreWriteScope.Object;
        var statusSchema = crd.Root["properties"]?["status"] as JsonObject;
        if (checkRest)
        {
            var status = candidate["status"];
            candidate.Remove("status");
            StructuralSchema.Normalize(candidate, crd.Root, "", causes);
            if (status is not null)
            {
                candidate["status"] = status;
            }
        }

        JsonObject? statusForValidation = null;
        if (checkStatus && candidate["status"] is { } statusNode && statusSchema is not null)
        {
            StructuralSchema.Normalize(statusNode, statusSchema, "status", causes);
            statusForValidation = new JsonObject { ["status"] = StructuralSchema.WithoutNullableNulls(statusNode, statusSchema) };
        }
        else if (checkStatus && candidate["status"] is not null && statusSchema is null)
        {
            candidate.Remove("status");
        }

        if (checkRest)
        {
            var rest = (JsonObject)StructuralSchema.WithoutNullableNulls(candidate, crd.Root)!;
            rest.Remove("status");
            causes.AddRange(SchemaCauses.From(crd.WithoutStatus.Validate(rest.ToJsonString())));
        }

        if (statusForValidation is not null)
        {
            causes.AddRange(SchemaCauses.From(crd.StatusOnly.Validate(statusForValidation.ToJsonString())));
        }

        if (causes.Count > 0)
        {
            throw Invalid(d, (string?)candidate["metadata"]?["name"] ?? "", causes);
        }
    }

    /// <summary>A custom resource's name, as the server checks it (apimachinery's <c>IsDNS1123Subdomain</c>).</summary>
    private static bool IsDnsSubdomain(string name) =>
        name.Length <= 253 && System.Text.RegularExpressions.Regex.IsMatch(name, @"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\z");

    /// <summary>The 422 a real server answers, with the message <c>kubectl apply</c> prints.</summary>
    public static KubeApiException Invalid(ResourceDescriptor d, string name, IReadOnlyList<V1StatusCause> causes)
    {
        var qualified = string.IsNullOrEmpty(d.Group) ? d.Kind : $"{d.Kind}.{d.Group}";
        var each = causes.Select(c => $"{c.Field}: {c.Message}").ToList();
        var message = $"{qualified} \"{name}\" is invalid: " + (each.Count == 1 ? each[0] : "[" + string.Join(", ", each) + "]");
        var status = new V1Status
        {
            ApiVersion = "v1",
            Kind = "Status",
            Metadata = new V1ListMeta(),
            Status = "Failure",
            Message = message,
            Reason = "Invalid",
            Code = 422,
            Details = new V1StatusDetails { Name = name, Group = d.Group, Kind = d.Kind, Causes = [.. causes] },
        };
        return new KubeApiException(HttpStatusCode.UnprocessableEntity, "Invalid", message, status);
    }
}
