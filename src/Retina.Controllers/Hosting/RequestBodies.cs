namespace Retina.Controllers.Hosting;

/// <summary>Reading a request body within a size cap, for endpoints that must refuse large posts (413) before parsing.</summary>
public static class RequestBodies
{
    /// <summary>The body, or null when it is longer than <paramref name="maxBytes"/> (chunked bodies have no Content-Length).</summary>
    public static async Task<byte[]?> ReadCappedAsync(Stream body, int maxBytes, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
