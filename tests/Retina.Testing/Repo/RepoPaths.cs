namespace Retina.Testing.Repo;

/// <summary>Finds the repository root (the folder holding Retina.sln) from the test's output directory.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Retina.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Retina.sln not found above {AppContext.BaseDirectory}");
    }
}
