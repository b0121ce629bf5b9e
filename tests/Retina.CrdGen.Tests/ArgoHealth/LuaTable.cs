using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Retina.CrdGen.Tests.ArgoHealth;

/// <summary>
/// Writes a JSON value as a Lua table constructor, as Argo CD hands the object to a health script:
/// objects become tables keyed by name, arrays sequences from 1, null is absent (nil).
/// </summary>
public static class LuaTable
{
    public static string From(JsonNode? node)
    {
        var text = new StringBuilder();
        Write(text, node);
        return text.ToString();
    }

    private static void Write(StringBuilder text, JsonNode? node)
    {
        switch (node)
        {
            case null:
                text.Append("nil");
                break;
            case JsonObject obj:
                text.Append('{');
                foreach (var (key, value) in obj.Where(p => p.Value is not null))
                {
                    text.Append('[').Append(Quote(key)).Append("]=");
                    Write(text, value);
                    text.Append(',');
                }

                text.Append('}');
                break;
            case JsonArray array:
                text.Append('{');
                foreach (var item in array)
                {
                    Write(text, item);
                    text.Append(',');
                }

                text.Append('}');
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                text.Append(Quote(value.GetValue<string>()));
                break;
            case JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                text.Append(value.GetValue<bool>() ? "true" : "false");
                break;
            case JsonValue value:
                text.Append(value.GetValue<double>().ToString("R", CultureInfo.InvariantCulture));
                break;
        }
    }

    /// <summary>A Lua string literal: every byte outside printable ASCII (and quote, backslash) as a decimal escape.</summary>
    private static string Quote(string s)
    {
        var text = new StringBuilder("\"");
        foreach (var b in Encoding.UTF8.GetBytes(s))
        {
            if (b is >= 0x20 and < 0x7f && b != '"' && b != '\\')
            {
                text.Append((char)b);
            }
            else
            {
                text.Append('\\').Append(b.ToString("D3", CultureInfo.InvariantCulture));
            }
        }

        return text.Append('"').ToString();
    }
}
