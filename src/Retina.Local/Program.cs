namespace Retina.Local;

internal static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("retina: not wired yet");
        return 1;
    }
}
