namespace Retina.NodeRuntime.Capture;

/// <summary>Removes credentials from text before it reaches a log, a status message or the manifest.</summary>
public sealed class SecretRedactor
{
    public const string Mask = "[REDACTED]";
    private readonly List<string> secrets = [];

    public static SecretRedactor For(CaptureRequest request) => For(request.Blob, request.S3);

    /// <summary>A redactor for the credentials of these output targets (a trace's uploads use it too).</summary>
    public static SecretRedactor For(BlobOutputTarget? blobTarget, S3OutputTarget? s3Target)
    {
        var r = new SecretRedactor();
        if (blobTarget is { } blob)
        {
            r.Add(blob.ContainerSasUrl);
            var q = blob.ContainerSasUrl.IndexOf('?', StringComparison.Ordinal);
            if (q >= 0)
            {
                var query = blob.ContainerSasUrl[(q + 1)..];
                r.Add(query);
                foreach (var part in query.Split('&'))
                {
                    var eq = part.IndexOf('=', StringComparison.Ordinal);
                    if (eq > 0 && part[..eq] == "sig")
                    {
                        r.Add(part[(eq + 1)..]);
                        r.Add(Uri.UnescapeDataString(part[(eq + 1)..]));
                    }
                }
            }
        }

        if (s3Target is { } s3)
        {
            r.Add(s3.SecretAccessKey);
            r.Add(s3.AccessKeyId);
        }

        return r;
    }

    public void Add(string? secret)
    {
        // Very short values (e.g. "r" for a permission) would mangle ordinary words; only the signature matters there.
        if (!string.IsNullOrEmpty(secret) && secret.Length >= 8 && !secrets.Contains(secret))
        {
            secrets.Add(secret);
            secrets.Sort((a, b) => b.Length.CompareTo(a.Length));
        }
    }

    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }

        foreach (var s in secrets)
        {
            text = text.Replace(s, Mask, StringComparison.Ordinal);
        }

        return text;
    }

    public static string StripQuery(string url)
    {
        var q = url.IndexOf('?', StringComparison.Ordinal);
        return q < 0 ? url : url[..q];
    }
}
