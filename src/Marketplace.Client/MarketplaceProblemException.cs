using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Marketplace.Client;

/// <summary>A non-success answer from the marketplace, carrying its RFC 7807 problem details.</summary>
public sealed class MarketplaceProblemException : Exception
{
    public MarketplaceProblemException()
        : this("", HttpStatusCode.InternalServerError, null, "", null, null, null)
    {
    }

    public MarketplaceProblemException(string message)
        : this("", HttpStatusCode.InternalServerError, null, message, null, null, null)
    {
    }

    public MarketplaceProblemException(string message, Exception innerException)
        : base(message, innerException)
    {
        Request = "";
        Title = message;
    }

    public MarketplaceProblemException(
        string request, HttpStatusCode status, string? code, string title, string? detail, JsonElement? errors, TimeSpan? retryAfter)
        : base($"{request} failed with {(int)status}: {title}{(detail is null ? "" : " " + detail)}")
    {
        Request = request;
        Status = status;
        Code = code;
        Title = title;
        Detail = detail;
        Errors = errors;
        RetryAfter = retryAfter;
    }

    /// <summary>"POST /api/v1/datasets/bus-stops/revisions".</summary>
    public string Request { get; }

    public HttpStatusCode Status { get; }

    /// <summary>The marketplace's stable error code ("dataset.exists"), when it sent one.</summary>
    public string? Code { get; }

    public string Title { get; }

    /// <summary>What went wrong and what to do about it, in words for a person.</summary>
    public string? Detail { get; }

    /// <summary>Itemised problems (e.g. refused rows of an upload), when the answer lists them.</summary>
    public JsonElement? Errors { get; }

    public TimeSpan? RetryAfter { get; }

    public void WriteTo(TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(error);
        error.WriteLine($"{Request} failed: {(int)Status} {Title}");
        if (!string.IsNullOrWhiteSpace(Detail))
        {
            error.WriteLine(Detail);
        }

        if (Errors is { } errors)
        {
            error.WriteLine(JsonSerializer.Serialize(errors, MarketplaceJson.Options));
        }
    }

    internal static async Task<MarketplaceProblemException> ReadAsync(
        HttpRequestMessage request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ProblemBody? body = null;
        if (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            try
            {
                body = await response.Content.ReadFromJsonAsync<ProblemBody>(MarketplaceJson.Options, cancellationToken);
            }
            catch (JsonException)
            {
                // Not a problem document after all; the status line still says what went wrong.
            }
        }

        return new MarketplaceProblemException(
            $"{request.Method} {request.RequestUri?.PathAndQuery}",
            response.StatusCode,
            body?.Code,
            body?.Title ?? response.ReasonPhrase ?? response.StatusCode.ToString(),
            body?.Detail,
            body?.Errors is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } errors ? errors : null,
            response.Headers.RetryAfter?.Delta);
    }

    private sealed record ProblemBody(string? Type, string? Title, int? Status, string? Detail, string? Code, JsonElement? Errors);
}
