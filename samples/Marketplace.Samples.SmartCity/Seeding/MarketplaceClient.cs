using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Marketplace.Samples.SmartCity.Seeding;

/// <summary>The marketplace's public HTTP API, called with whichever party's key the step needs.</summary>
internal sealed class MarketplaceClient(HttpClient http)
{
    public Task<DatasetList> ListDatasetsAsync(string apiKey, CancellationToken cancellationToken) =>
        SendAsync<DatasetList>(HttpMethod.Get, "api/v1/datasets", apiKey, null, cancellationToken);

    public Task<PartyCreated> CreatePartyAsync(string operatorKey, CreatePartyRequest party, CancellationToken cancellationToken) =>
        SendAsync<PartyCreated>(HttpMethod.Post, "api/v1/parties", operatorKey, Json(party), cancellationToken);

    public Task<DatasetCreated> CreateDatasetAsync(string providerKey, CreateDatasetRequest dataset, CancellationToken cancellationToken) =>
        SendAsync<DatasetCreated>(HttpMethod.Post, "api/v1/datasets", providerKey, Json(dataset), cancellationToken);

    public Task<RevisionCreated> UploadRevisionAsync(
        string providerKey, string datasetId, HttpContent rows, CancellationToken cancellationToken) =>
        SendAsync<RevisionCreated>(HttpMethod.Post, $"api/v1/datasets/{Uri.EscapeDataString(datasetId)}/revisions", providerKey, rows, cancellationToken);

    public Task<OfferingCreated> CreateOfferingAsync(string providerKey, CreateOfferingRequest offering, CancellationToken cancellationToken) =>
        SendAsync<OfferingCreated>(HttpMethod.Post, "api/v1/offerings", providerKey, Json(offering), cancellationToken);

    /// <summary>Publishing needs nothing back but success, so the answer's body is not read.</summary>
    public async Task PublishOfferingAsync(string providerKey, string offeringId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(
            HttpMethod.Post, $"api/v1/offerings/{Uri.EscapeDataString(offeringId)}/publish", providerKey, null, cancellationToken);
    }

    public Task<ContractView> RequestContractAsync(string buyerKey, string offeringId, string purpose, CancellationToken cancellationToken) =>
        SendAsync<ContractView>(
            HttpMethod.Post,
            $"api/v1/offerings/{Uri.EscapeDataString(offeringId)}/contracts",
            buyerKey,
            Json(new CreateContractRequest(purpose)),
            cancellationToken);

    public Task<ContractView> ApproveContractAsync(string providerKey, string contractId, CancellationToken cancellationToken) =>
        SendAsync<ContractView>(HttpMethod.Post, $"api/v1/contracts/{Uri.EscapeDataString(contractId)}/approve", providerKey, null, cancellationToken);

    private static JsonContent Json<T>(T body) => JsonContent.Create(body, options: Wire.Json);

    private async Task<T> SendAsync<T>(
        HttpMethod method, string path, string apiKey, HttpContent? content, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, path, apiKey, content, cancellationToken);
        return await response.Content.ReadFromJsonAsync<T>(Wire.Json, cancellationToken)
            ?? throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode} with an empty body.");
    }

    /// <summary>Sends the request and hands back a successful response; anything else becomes a problem.</summary>
    private async Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string path, string apiKey, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await MarketplaceProblem.ReadAsync(request, response, cancellationToken);
        }
    }
}
