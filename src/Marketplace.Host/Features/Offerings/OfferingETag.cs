using System.Globalization;
using Marketplace.Domain;
using Microsoft.Net.Http.Headers;

namespace Marketplace.Host.Features.Offerings;

/// <summary>
/// An offering's version on HTTP: its ETag is the version in quotes (<c>"3"</c>), a strong tag, and a change sends it
/// back in <c>If-Match</c> (RFC 9110 §13.1.1). Without If-Match a change answers 428, naming where the ETag comes
/// from; <c>*</c> matches whatever version is stored; a weak tag or one that names no version cannot match (412).
/// </summary>
public static class OfferingETag
{
    public static string Of(long version) => string.Create(CultureInfo.InvariantCulture, $"\"{version}\"");

    /// <summary>The version a change names in If-Match, or null for <c>*</c>.</summary>
    public static long? ExpectedVersion(HttpRequest request, string offeringId)
    {
        ArgumentNullException.ThrowIfNull(request);
        var sent = request.Headers.IfMatch;
        if (sent.Count == 0 || string.IsNullOrWhiteSpace(sent.ToString()))
        {
            throw new DomainException(ErrorCodes.OfferingVersionRequired,
                $"Say which version of offering '{offeringId}' you change: send If-Match with the ETag that GET /api/v1/offerings/{offeringId} answered (its version in quotes, e.g. If-Match: \"3\").");
        }
        if (!EntityTagHeaderValue.TryParseList(sent, out var tags) || tags.Count == 0)
        {
            throw Stale(offeringId, $"If-Match '{Shorten(sent.ToString())}' is not an entity tag");
        }
        if (tags.Any(t => t.Equals(EntityTagHeaderValue.Any)))
        {
            return null;
        }
        if (tags.Count > 1)
        {
            throw Stale(offeringId, "If-Match names more than one version; send the one ETag you read");
        }
        var tag = tags[0];
        return !tag.IsWeak && long.TryParse(tag.Tag.AsSpan(1, tag.Tag.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : throw Stale(offeringId, $"If-Match {Shorten(tag.ToString())} names no version of this offering (a strong ETag such as \"3\")");
    }

    private static DomainException Stale(string offeringId, string why) =>
        new(ErrorCodes.OfferingVersionStale, $"{why}, so nothing was changed. GET /api/v1/offerings/{offeringId} and send its ETag in If-Match.");

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
