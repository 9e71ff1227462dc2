using System.Text.Json;
using Marketplace.Application.Access;

namespace Marketplace.Host.Features.Access;

/// <summary>Writes a page straight from the stored JSON of each record: no re-parsing on the hot path.</summary>
public sealed class RecordPageResult(RecordAnswer answer) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var (contractId, revisionId, page, nextCursor, units, replayed) = answer;
        var response = httpContext.Response;
        response.ContentType = "application/json; charset=utf-8";
        response.Headers["X-Usage-Units"] = units.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (replayed)
        {
            response.Headers["Idempotent-Replayed"] = "true";
        }
        await using var json = new Utf8JsonWriter(response.BodyWriter);
        json.WriteStartObject();
        json.WriteString("contractId", contractId);
        json.WriteString("revisionId", revisionId);
        if (answer.RecordsJson.IsEmpty)
        {
            json.WriteStartArray("records");
            foreach (var record in page.Records)
            {
                json.WriteRawValue(record.Json, skipInputValidation: true);
            }
            json.WriteEndArray();
        }
        else
        {
            // A kept page's array, made once when it was kept.
            json.WritePropertyName("records");
            json.WriteRawValue(answer.RecordsJson.Span, skipInputValidation: true);
        }
        json.WriteNumber("count", page.Records.Count);
        if (nextCursor is null)
        {
            json.WriteNull("nextCursor");
        }
        else
        {
            json.WriteString("nextCursor", nextCursor);
        }
        json.WriteNumber("unitsMetered", units);
        json.WriteEndObject();
        await json.FlushAsync();
    }
}
