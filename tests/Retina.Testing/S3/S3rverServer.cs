using System.Security.Cryptography;
using Retina.Testing.Azurite;

namespace Retina.Testing.S3;

/// <summary>
/// A real s3rver on a free loopback port with a fresh directory, one bucket and a random key pair it checks signatures
/// against. Stop and start keep port and data.
/// </summary>
public sealed class S3rverServer : IAsyncDisposable
{
    private readonly NodeTool tool;

    private S3rverServer(string directory, int port, string bucket)
    {
        DataDirectory = directory;
        Bucket = bucket;
        AccessKeyId = "AKIA" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        SecretAccessKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(30));
        var launcher = Path.Combine(Path.GetDirectoryName(NodeTool.ToolsDirectory)!, "tests", "Retina.Testing", "S3", "s3rver-launch.js");
        tool = new NodeTool(
            "node",
            [launcher, Path.Combine(NodeTool.ToolsDirectory, "node_modules"), port.ToString(System.Globalization.CultureInfo.InvariantCulture), directory, bucket, AccessKeyId, SecretAccessKey],
            port);
    }

    public string DataDirectory { get; }

    public string Bucket { get; }

    public string AccessKeyId { get; }

    public string SecretAccessKey { get; }

    public int Port => tool.Port;

    public string Endpoint => $"http://127.0.0.1:{Port}";

    public static async Task<S3rverServer> StartNewAsync(string bucket = "captures")
    {
        var s = new S3rverServer(Directory.CreateTempSubdirectory("s3rver-").FullName, NodeTool.FreePort(), bucket);
        try
        {
            await s.StartAsync();
        }
        catch
        {
            await s.DisposeAsync();
            throw;
        }

        return s;
    }

    public Task StartAsync() => tool.StartAsync();

    public Task StopAsync() => tool.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await tool.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
