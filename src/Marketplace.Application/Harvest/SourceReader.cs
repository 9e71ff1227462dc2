using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Marketplace.Domain.Harvest;
using Marketplace.Grains;

namespace Marketplace.Application.Harvest;

/// <summary>A source that could not be read at all (unreachable, too slow, too large, not what its kind says).</summary>
public sealed class SourceUnreadableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Reads a source's datasets over HTTP (the named client <see cref="HarvestLimits.HttpClientName"/>): a CKAN action
/// API page by page through package_search (rows/start), or a DCAT-AP catalog in Turtle at once; every answer
/// bounded in size and time. Answers the records and whether the source listed more than the harvest takes.
/// </summary>
public sealed class SourceReader(IHttpClientFactory clients, HarvestLimits limits)
{
    public async Task<(IReadOnlyList<SourceRecord> Records, bool Truncated)> ReadAsync(HarvestSourceDefinition source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.Kind == HarvestSourceKind.Ckan
            ? await ReadCkanAsync(source.Url, cancellationToken)
            : await ReadDcatAsync(source.Url, cancellationToken);
    }

    private async Task<(IReadOnlyList<SourceRecord>, bool)> ReadCkanAsync(string apiBase, CancellationToken cancellationToken)
    {
        var site = apiBase.EndsWith("/api/3/action", StringComparison.Ordinal) ? apiBase[..^"/api/3/action".Length] : apiBase;
        var records = new List<SourceRecord>();
        var rows = Math.Clamp(limits.CkanPageSize, 1, 1000);
        for (var start = 0; ; start += rows)
        {
            var url = string.Create(CultureInfo.InvariantCulture, $"{apiBase}/package_search?rows={rows}&start={start}&sort=name%20asc");
            var body = await GetAsync(url, "application/json", limits.MaxCkanPageBytes, cancellationToken);
            (IReadOnlyList<SourceRecord> Records, long Count) page;
            try
            {
                using var json = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
                var root = json.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("success", out var success) || success.ValueKind != JsonValueKind.True
                    || !root.TryGetProperty("result", out var result) || result.ValueKind != JsonValueKind.Object)
                {
                    throw new SourceUnreadableException($"{url} did not answer a successful CKAN package_search (no \"success\": true with a \"result\").");
                }
                page = CkanRecords.FromSearch(result, site);
            }
            catch (Exception e) when (e is JsonException or FormatException)
            {
                throw new SourceUnreadableException($"{url} did not answer CKAN JSON: {e.Message}", e);
            }
            records.AddRange(page.Records);
            if (records.Count > limits.MaxDatasetsPerSource)
            {
                return ([.. records.Take(limits.MaxDatasetsPerSource)], true);
            }
            if (page.Records.Count == 0 || start + rows >= page.Count)
            {
                return (records, false);
            }
        }
    }

    private async Task<(IReadOnlyList<SourceRecord>, bool)> ReadDcatAsync(string url, CancellationToken cancellationToken)
    {
        var body = await GetAsync(url, "text/turtle", limits.MaxDcatBytes, cancellationToken);
        IReadOnlyList<SourceRecord> records;
        try
        {
            records = DcatRecords.From(TurtleReader.Read(Encoding.UTF8.GetString(body), new Uri(url)));
        }
        catch (FormatException e)
        {
            throw new SourceUnreadableException($"{url} is not DCAT-AP in Turtle this harvest reads: {e.Message}", e);
        }
        return records.Count > limits.MaxDatasetsPerSource ? ([.. records.Take(limits.MaxDatasetsPerSource)], true) : (records, false);
    }

    /// <summary>The body of a GET, refused when its status is not a success or it is larger than <paramref name="maxBytes"/>.</summary>
    private async Task<byte[]> GetAsync(string url, string accept, long maxBytes, CancellationToken cancellationToken)
    {
        var client = clients.CreateClient(HarvestLimits.HttpClientName);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limits.RequestTimeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw new SourceUnreadableException(string.Create(CultureInfo.InvariantCulture, $"{url} answered {(int)response.StatusCode} {response.ReasonPhrase}."));
            }
            if (response.Content.Headers.ContentLength is { } length && length > maxBytes)
            {
                throw TooLarge(url, maxBytes);
            }
            await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
            using var buffer = new MemoryStream();
            var chunk = new byte[81_920];
            int read;
            while ((read = await stream.ReadAsync(chunk, timeout.Token)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    throw TooLarge(url, maxBytes);
                }
                buffer.Write(chunk, 0, read);
            }
            return buffer.ToArray();
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SourceUnreadableException(string.Create(CultureInfo.InvariantCulture, $"{url} did not answer within {limits.RequestTimeout.TotalSeconds:0} s."), e);
        }
        catch (HttpRequestException e)
        {
            throw new SourceUnreadableException($"{url} could not be reached: {e.Message}", e);
        }
    }

    private static SourceUnreadableException TooLarge(string url, long maxBytes) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{url} answered more than {maxBytes:N0} bytes; the harvest reads at most that."));
}
