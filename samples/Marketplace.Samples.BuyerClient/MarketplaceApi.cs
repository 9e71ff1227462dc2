using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Marketplace.Samples.BuyerClient;

/// <summary>The buyer's side of the marketplace's public HTTP API, authenticated with the buyer's key.</summary>
internal sealed class MarketplaceApi(HttpClient http, string apiKey)
{
    private const int Attempts = 3;

    public Task<CatalogPage> SearchCatalogAsync(string? query, int page, CancellationToken cancellationToken) =>
        SendAsync<CatalogPage>(
            HttpMethod.Get,
            $"api/v1/catalog?q={Uri.EscapeDataString(query ?? "")}&page={page}&pageSize=50",
            null,
            cancellationToken);

    /// <summary>The first page (up to 200) of this buyer's contracts on one offering: lists are paged.</summary>
    public Task<ContractList> ListContractsAsync(string offeringId, CancellationToken cancellationToken) =>
        SendAsync<ContractList>(HttpMethod.Get, $"api/v1/contracts?offeringId={Uri.EscapeDataString(offeringId)}&pageSize=200", null, cancellationToken);

    public Task<ContractView> RequestContractAsync(string offeringId, string purpose, CancellationToken cancellationToken) =>
        SendAsync<ContractView>(
            HttpMethod.Post,
            $"api/v1/offerings/{Uri.EscapeDataString(offeringId)}/contracts",
            () => JsonContent.Create(new CreateContractRequest(purpose), options: Wire.Json),
            cancellationToken);

    /// <summary>
    /// Reads one page of records. Each page is metered, so the page carries an idempotency key; a retry after a
    /// lost answer sends the same key, and the marketplace charges the page once.
    /// </summary>
    public Task<RecordsPage> ReadRecordsAsync(string contractId, string? cursor, int limit, CancellationToken cancellationToken)
    {
        var path = $"api/v1/contracts/{Uri.EscapeDataString(contractId)}/records?limit={limit}";
        if (cursor is not null)
        {
            path += "&cursor=" + Uri.EscapeDataString(cursor);
        }

        return SendAsync<RecordsPage>(HttpMethod.Get, path, null, cancellationToken, idempotencyKey: Guid.NewGuid().ToString());
    }

    public Task<UsageReport> GetUsageAsync(CancellationToken cancellationToken) =>
        SendAsync<UsageReport>(HttpMethod.Get, "api/v1/usage", null, cancellationToken);

    private async Task<T> SendAsync<T>(
        HttpMethod method,
        string path,
        Func<HttpContent>? content,
        CancellationToken cancellationToken,
        string? idempotencyKey = null)
    {
        // Only requests that are safe to repeat are retried: reads, and anything carrying an idempotency key.
        var attempts = method == HttpMethod.Get || idempotencyKey is not null ? Attempts : 1;
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, path) { Content = content?.Invoke() };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (idempotencyKey is not null)
            {
                request.Headers.Add("Idempotency-Key", idempotencyKey);
            }

            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }
            catch (HttpRequestException) when (attempt < attempts)
            {
                await Task.Delay(TimeSpan.FromSeconds(attempt), cancellationToken);
                continue;
            }

            using (response)
            {
                if (response.IsSuccessStatusCode)
                {
                    return await response.Content.ReadFromJsonAsync<T>(Wire.Json, cancellationToken)
                        ?? throw new InvalidOperationException($"{method} {path} answered with an empty body.");
                }

                if (attempt < attempts && IsTransient(response.StatusCode))
                {
                    await Task.Delay(TimeSpan.FromSeconds(attempt), cancellationToken);
                    continue;
                }

                throw await MarketplaceProblem.ReadAsync(request, response, cancellationToken);
            }
        }
    }

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.BadGateway
            or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;
}
