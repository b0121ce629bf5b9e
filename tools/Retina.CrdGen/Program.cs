namespace Retina.CrdGen;

internal static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length != 1)
        {
            Console.Error.WriteLine("usage: Retina.CrdGen <output-directory>   (writes one CRD per kind and a kustomization.yaml)");
            return 2;
        }

        CrdGenerator.WriteAll(args[0]);
        Console.WriteLine($"wrote CRDs to {Path.GetFullPath(args[0])}");
        return 0;
    }
}
