namespace Retina.Bench;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var suite = args.FirstOrDefault() ?? "controllers";
        switch (suite)
        {
            case "controllers":
                await ControllerBench.RunAsync(configs: Arg(args, 1, 200), nodes: Arg(args, 2, 1000));
                return 0;
            case "capture-latency":
                await CaptureLatencyBench.RunAsync(runs: Arg(args, 1, 20));
                return 0;
            case "shellsession":
                await ShellSessionBench.RunAsync(runs: Arg(args, 1, 10));
                return 0;
            default:
                Console.Error.WriteLine("usage: Retina.Bench controllers [configs] [nodes] | capture-latency [runs] | shellsession [runs]");
                return 2;
        }
    }

    private static int Arg(string[] args, int index, int fallback) => args.Length > index && int.TryParse(args[index], out var v) ? v : fallback;
}
