using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Retina.Controllers.Admission;

public static class AdmissionRuleServiceCollectionExtensions
{
    /// <summary>
    /// Adds a rule the validating webhook runs on every write it receives, after the spec validators and the rules
    /// added before it (registration order; the first denial is the answer).
    /// </summary>
    public static IServiceCollection AddAdmissionRule<T>(this IServiceCollection services)
        where T : class, IAdmissionRule
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAdmissionRule, T>());
        return services;
    }
}
