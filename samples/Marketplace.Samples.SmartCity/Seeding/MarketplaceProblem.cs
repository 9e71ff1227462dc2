using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Marketplace.Samples.SmartCity.Seeding;

/// <summary>A non-success answer from the marketplace, carrying its RFC 7807 problem details.</summary>
internal sealed class MarketplaceProblem(string request, HttpStatusCode status, string title, string? detail, JsonElement? errors)
    : Exception($"{request} failed with {(int)status}: {title}")
{
    public string Request { get; } = request;

    public HttpStatusCode Status { get; } = status;

    public string Title { get; } = title;

    public string? Detail { get; } = detail;

    public JsonElement? Errors { get; } = errors;

    public static async Task<MarketplaceProblem> ReadAsync(
        HttpRequestMessage request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var what = $"{request.Method} {request.RequestUri?.PathAndQuery}";
        ProblemBody? body = null;
        if (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            try
            {
                body = await response.Content.ReadFromJsonAsync<ProblemBody>(Wire.Json, cancellationToken);
            }
            catch (JsonException)
            {
                // Not a problem document after all; the status line below still says what went wrong.
            }
        }

        return new MarketplaceProblem(
            what,
            response.StatusCode,
            body?.Title ?? response.ReasonPhrase ?? response.StatusCode.ToString(),
            body?.Detail,
            body?.Errors is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } errors ? errors : null);
    }

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
            error.WriteLine(JsonSerializer.Serialize(errors, Wire.Json));
        }
    }
}
