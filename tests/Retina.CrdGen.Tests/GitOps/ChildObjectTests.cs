using System.Text.RegularExpressions;
using Retina.Testing.Repo;

namespace Retina.CrdGen.Tests.GitOps;

/// <summary>
/// GitOps tools must never mistake what our controllers create for what they applied: Flux prunes by inventory, but
/// Argo CD tracks by its label (app.kubernetes.io/instance) or annotation (argocd.argoproj.io/tracking-id), and would
/// show as OutOfSync, then prune, any child that carried a copy of its parent's. So no controller may copy a parent's
/// labels or annotations onto anything it creates, nor name a GitOps tool's tracking keys.
/// </summary>
public sealed partial class ChildObjectTests
{
    private static readonly string Controllers = RepoPaths.Combine("src", "Retina.Controllers");

    [Fact]
    public void No_controller_copies_labels_or_annotations_from_one_object_onto_another()
    {
        var copies = Sources().SelectMany(f => Copy().Matches(File.ReadAllText(f)).Select(m => $"{Path.GetRelativePath(Controllers, f)}: {m.Value}")).ToList();

        copies.ShouldBeEmpty(string.Join("\n", copies));
    }

    [Fact]
    public void No_controller_names_a_gitops_tools_tracking_label_or_annotation()
    {
        string[] keys = ["app.kubernetes.io/instance", "argocd.argoproj.io", "kustomize.toolkit.fluxcd.io", "helm.toolkit.fluxcd.io"];

        var named = Sources().SelectMany(f => keys.Where(k => File.ReadAllText(f).Contains(k, StringComparison.Ordinal)).Select(k => $"{f}: {k}")).ToList();

        named.ShouldBeEmpty(string.Join("\n", named));
    }

    [Fact]
    public void The_copy_check_catches_the_shapes_a_copy_takes()
    {
        Copy().IsMatch("Labels = capture.Metadata.Labels,").ShouldBeTrue();
        Copy().IsMatch("Annotations = new Dictionary<string, string>(policy.Metadata.Annotations)").ShouldBeTrue();
        Copy().IsMatch("child.Metadata.Labels = parent.Metadata.Labels;").ShouldBeTrue();
        Copy().IsMatch("Labels = new Dictionary<string, string> { [CaptureUidLabel] = capture.Metadata.Uid },").ShouldBeFalse();
        Copy().IsMatch("Labels = ShellNames.Labels(ns, session.Metadata.Name),").ShouldBeFalse();
        Copy().IsMatch("Labels = ShellNames.Labels(ns, session.Metadata.Labels),").ShouldBeTrue();
    }

    private static IEnumerable<string> Sources() =>
        Directory.EnumerateFiles(Controllers, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                     && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    // an assignment of Labels/Annotations whose value reads another object's Labels/Annotations (same statement); a
    // method named Labels(...) builds labels of its own and is not a copy
    [GeneratedRegex(@"\b(?:Labels|Annotations)\s*=(?!=)[^;{}]*?\.(?:Labels|Annotations)\b(?!\s*\()", RegexOptions.Singleline)]
    private static partial Regex Copy();
}
