namespace Retina.Bench;

internal static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("usage: retina-bench <suite>");
        return 2;
    }
}
