namespace Retina.Api.Common;

/// <summary>Validates one kind: the schema's rules plus the rules a schema cannot express.</summary>
public interface IValidator<in T>
{
    ValidationReport Validate(T resource);
}
