namespace Retina.Controllers.Admission;

/// <summary>Who asked, as the API server reports it in <c>AdmissionReview.request.userInfo</c>.</summary>
public sealed record AdmissionUser(string Username, string? Uid, IReadOnlyList<string> Groups, IReadOnlyDictionary<string, IReadOnlyList<string>> Extra);
