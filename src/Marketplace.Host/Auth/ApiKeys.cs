using System.Security.Cryptography;
using System.Text;
using Marketplace.Grains;

namespace Marketplace.Host.Auth;

/// <summary>
/// API keys look like <c>mk_{prefix}_{secret}</c>. The prefix (12 characters) names the key and is stored
/// in clear; only a SHA-256 hash of the secret is stored. Secrets have 256 bits of entropy, so a fast hash
/// is enough (no password-stretching needed).
/// </summary>
public sealed class ApiKeyIssuer(IGrainFactory grains, ApiKeyCache cache)
{
    private const string Scheme = "mk_";
    public const int PrefixLength = 12;
    private const string Alphabet = "abcdefghijkmnpqrstuvwxyz23456789";

    public async Task<string> IssueAsync(ApiPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var prefix = RandomNumberGenerator.GetString(Alphabet, PrefixLength);
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
        if (principal.Role == PartyRole.DataSubject)
        {
            // A person's own key: not one of the bank's keys (the bank cannot act with it, nor list or revoke it as its own).
            await grains.GetGrain<IApiKeyGrain>(prefix).Issue(principal, Hash(secret));
        }
        else
        {
            await grains.GetGrain<IPartyGrain>(principal.PartyId).AddKey(prefix, Hash(secret));
        }
        cache.Forget(prefix);
        return $"{Scheme}{prefix}_{secret}";
    }

    public static bool TryParseKey(string key, out string prefix, out byte[] secretHash)
    {
        prefix = "";
        secretHash = [];
        if (key.Length < Scheme.Length + PrefixLength + 2 || !key.StartsWith(Scheme, StringComparison.Ordinal)
            || key[Scheme.Length + PrefixLength] != '_')
        {
            return false;
        }
        prefix = key.Substring(Scheme.Length, PrefixLength);
        if (!IsPrefix(prefix))
        {
            prefix = "";
            return false;
        }
        secretHash = Hash(key[(Scheme.Length + PrefixLength + 1)..]);
        return true;
    }

    /// <summary>Whether the text could be a key prefix at all; anything else is refused before any grain is asked.</summary>
    public static bool IsPrefix(string text) =>
        text.Length == PrefixLength && text.AsSpan().IndexOfAnyExcept(Alphabet) < 0;

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
