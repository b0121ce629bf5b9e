using Retina.Kube.Client;

namespace Retina.Testing.FakeKubeApi.Webhooks;

/// <summary>The admissionregistration.k8s.io/v1 kinds the fake serves and calls.</summary>
public static class FakeWebhookKinds
{
    public static readonly ResourceDescriptor ValidatingConfigurations =
        new("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", "ValidatingWebhookConfiguration", Namespaced: false, HasStatusSubresource: false);

    public static readonly ResourceDescriptor MutatingConfigurations =
        new("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", "MutatingWebhookConfiguration", Namespaced: false, HasStatusSubresource: false);
}
