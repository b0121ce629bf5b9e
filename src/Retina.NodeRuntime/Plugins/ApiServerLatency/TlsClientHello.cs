using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Retina.NodeRuntime.Plugins.ApiServerLatency;

/// <summary>
/// A minimal TLS 1.2/1.3 ClientHello record: enough for any TLS server to answer with its first handshake
/// record (ServerHello or HelloRetryRequest) or an alert. The probe times that answer and closes; it never
/// completes a handshake, so it needs no certificates and sends no credentials.
/// </summary>
public static class TlsClientHello
{
    public static byte[] Build()
    {
        var body = new List<byte>();
        body.AddRange([0x03, 0x03]); // legacy_version TLS 1.2
        body.AddRange(RandomNumberGenerator.GetBytes(32));
        body.Add(0); // empty legacy_session_id

        // TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, ECDHE-ECDSA/RSA-AES128-GCM-SHA256.
        AddVector16(body, [0x13, 0x01, 0x13, 0x02, 0xc0, 0x2b, 0xc0, 0x2f]);
        body.AddRange([0x01, 0x00]); // compression methods: null only

        var extensions = new List<byte>();
        AddExtension(extensions, 0x002b, [0x04, 0x03, 0x04, 0x03, 0x03]); // supported_versions: 1.3, 1.2
        AddExtension(extensions, 0x000a, [0x00, 0x04, 0x00, 0x1d, 0x00, 0x17]); // supported_groups: x25519, secp256r1
        AddExtension(extensions, 0x000d, [0x00, 0x06, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01]); // signature_algorithms
        AddExtension(extensions, 0x000b, [0x01, 0x00]); // ec_point_formats: uncompressed
        AddVector16(body, [.. extensions]);

        var handshake = new List<byte> { 0x01 }; // client_hello
        handshake.AddRange([(byte)(body.Count >> 16), (byte)(body.Count >> 8), (byte)body.Count]);
        handshake.AddRange(body);

        var record = new List<byte> { 0x16, 0x03, 0x01 }; // handshake record, legacy record version TLS 1.0
        AddVector16(record, [.. handshake]);
        return [.. record];
    }

    private static void AddExtension(List<byte> to, ushort type, byte[] data)
    {
        Span<byte> t = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(t, type);
        to.AddRange(t.ToArray());
        AddVector16(to, data);
    }

    private static void AddVector16(List<byte> to, byte[] data)
    {
        to.Add((byte)(data.Length >> 8));
        to.Add((byte)data.Length);
        to.AddRange(data);
    }
}
