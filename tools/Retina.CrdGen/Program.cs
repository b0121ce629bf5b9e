namespace Retina.CrdGen;

internal static class Program
{
    public static int Main(string[] args) => 0;
}
