namespace Retina.NodeRuntime;

internal static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("Retina.NodeRuntime: not wired yet");
        return 1;
    }
}
