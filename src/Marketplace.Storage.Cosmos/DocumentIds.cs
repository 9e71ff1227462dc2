using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Marketplace.Storage.Cosmos;

/// <summary>
/// Turns caller-chosen keys (state names, event ids, offering ids) into valid Cosmos ids: '/', '\', '?' and
/// '#' are not allowed in an id, and '%' would be decoded out of the request URL on its way in, so these,
/// control characters and '~' (the escape itself) become '~' and two hex digits. A result longer than the
/// id limit is replaced by "~~" and a SHA-256 digest. The original key is always stored in the document too.
/// </summary>
internal static class DocumentIds
{
    private const int MaxLength = 200;

    public static string For(string prefix, string key)
    {
        var builder = new StringBuilder(prefix.Length + key.Length + 8).Append(prefix);
        foreach (var c in key)
        {
            if (c is '%' or '/' or '\\' or '?' or '#' or '~' || char.IsControl(c))
            {
                builder.Append('~').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        if (builder.Length <= MaxLength && !key.EndsWith(' '))
        {
            return builder.ToString();
        }

        return prefix + "~~" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }

    /// <summary>A partition key from several parts joined by '/', each with '%' and '/' escaped so the join is unambiguous.</summary>
    public static string Join(params ReadOnlySpan<string> parts)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            if (i > 0)
            {
                builder.Append('/');
            }

            builder.Append(part.Replace("%", "%25", StringComparison.Ordinal).Replace("/", "%2F", StringComparison.Ordinal));
        }

        return builder.ToString();
    }
}
