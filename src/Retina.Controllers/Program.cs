namespace Retina.Controllers;

internal static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("Retina.Controllers: not wired yet");
        return 1;
    }
}
