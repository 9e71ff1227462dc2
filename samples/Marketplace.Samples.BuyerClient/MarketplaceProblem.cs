using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Marketplace.Samples.BuyerClient;

/// <summary>A non-success answer from the marketplace, carrying its RFC 7807 problem details.</summary>
internal sealed class MarketplaceProblem(string request, HttpStatusCode status, string title, string? detail, JsonElement? errors)
    : Exception($"{request} failed with {(int)status}: {title}")
{
    public HttpStatusCode Status { get; } = status;

    public static async Task<MarketplaceProblem> ReadAsync(
        HttpRequestMessage request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ProblemBody? body = null;
        if (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            try
            {
                body = await response.Content.ReadFromJsonAsync<ProblemBody>(Wire.Json, cancellationToken);
            }
            catch (JsonException)
            {
                // Not a problem document after all; the status line still says what went wrong.
            }
        }

        return new MarketplaceProblem(
            $"{request.Method} {request.RequestUri?.PathAndQuery}",
            response.StatusCode,
            body?.Title ?? response.ReasonPhrase ?? response.StatusCode.ToString(),
            body?.Detail,
            body?.Errors is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } e ? e : null);
    }

    public void WriteTo(TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(error);
        error.WriteLine($"{request} failed: {(int)Status} {title}");
        if (!string.IsNullOrWhiteSpace(detail))
        {
            error.WriteLine(detail);
        }

        if (errors is { } list)
        {
            error.WriteLine(JsonSerializer.Serialize(list, Wire.Json));
        }
    }
}
