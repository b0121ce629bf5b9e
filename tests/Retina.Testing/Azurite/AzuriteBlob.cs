namespace Retina.Testing.Azurite;

/// <summary>
/// A real Azurite blob service on a free loopback port with a fresh data directory. <see cref="StopAsync"/> and
/// <see cref="StartAsync"/> keep port and data, so a test can take the service away mid-upload and bring it back.
/// Clients must ask for service version 2026-06-06 (Azurite 3.37's newest) and SAS tokens must allow http.
/// </summary>
public sealed class AzuriteBlob : IAsyncDisposable
{
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly NodeTool tool;

    private AzuriteBlob(string dataDirectory, int port)
    {
        DataDirectory = dataDirectory;
        tool = new NodeTool(
            NodeTool.Bin("azurite-blob"),
            ["--blobHost", "127.0.0.1", "--blobPort", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--location", dataDirectory, "--disableTelemetry", "--silent"],
            port);
    }

    public string DataDirectory { get; }

    public int Port => tool.Port;

    public Uri BlobEndpoint => new($"http://127.0.0.1:{Port}/{AccountName}");

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint={BlobEndpoint};";

    public static async Task<AzuriteBlob> StartNewAsync()
    {
        var dir = Directory.CreateTempSubdirectory("azurite-").FullName;
        var a = new AzuriteBlob(dir, NodeTool.FreePort());
        try
        {
            await a.StartAsync();
        }
        catch
        {
            await a.DisposeAsync();
            throw;
        }

        return a;
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
