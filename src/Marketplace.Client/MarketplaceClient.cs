using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace Marketplace.Client;

/// <summary>
/// The marketplace's public HTTP API (/api/v1), authenticated with one party's API key. The
/// <see cref="HttpClient"/> (with its base address) belongs to the caller and may be shared by clients of
/// several parties (<see cref="WithKey"/>). Requests that are safe to repeat — reads, and record pages carrying an
/// Idempotency-Key — are retried on transient failures; anything else fails with a
/// <see cref="MarketplaceProblemException"/> at once.
/// </summary>
public sealed partial class MarketplaceClient
{
    private readonly HttpClient http;
    private readonly string apiKey;
    private readonly int attempts;
    private readonly TimeSpan retryDelay;

    /// <param name="attempts">How often a request that is safe to repeat is tried (1 for never again).</param>
    /// <param name="retryDelay">The wait before the second attempt; it grows linearly after that.</param>
    public MarketplaceClient(HttpClient http, string apiKey, int attempts = 3, TimeSpan? retryDelay = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        ArgumentOutOfRangeException.ThrowIfLessThan(attempts, 1);
        this.http = http;
        this.apiKey = apiKey;
        this.attempts = attempts;
        this.retryDelay = retryDelay ?? TimeSpan.FromSeconds(1);
    }

    /// <summary>The same marketplace, called as another party.</summary>
    public MarketplaceClient WithKey(string otherApiKey) => new(http, otherApiKey, attempts, retryDelay);

    // Parties

    public Task<PartyWithKey> CreatePartyAsync(CreatePartyRequest party, CancellationToken cancellationToken = default) =>
        SendAsync<PartyWithKey>(HttpMethod.Post, "api/v1/parties", Json(party), cancellationToken);

    public Task<PartyList> ListPartiesAsync(CancellationToken cancellationToken = default) =>
        SendAsync<PartyList>(HttpMethod.Get, "api/v1/parties", null, cancellationToken);

    /// <summary>The party this client's key belongs to.</summary>
    public Task<Party> WhoAmIAsync(CancellationToken cancellationToken = default) =>
        SendAsync<Party>(HttpMethod.Get, "api/v1/parties/me", null, cancellationToken);

    /// <summary>Another key for a party (operator); like every key, it is shown only in this answer.</summary>
    public Task<ApiKeyIssued> IssueKeyAsync(string partyId, CancellationToken cancellationToken = default) =>
        SendAsync<ApiKeyIssued>(HttpMethod.Post, $"api/v1/parties/{Escape(partyId)}/keys", null, cancellationToken);

    // People (who sign in to the web front end)

    /// <summary>Enrols a person for a party (operator); the one-time password is shown only in this answer.</summary>
    public Task<PersonWithPassword> EnrolPersonAsync(string partyId, EnrolPersonRequest person, CancellationToken cancellationToken = default) =>
        SendAsync<PersonWithPassword>(HttpMethod.Post, $"api/v1/parties/{Escape(partyId)}/people", Json(person), cancellationToken);

    public Task<PersonList> ListPeopleAsync(string partyId, CancellationToken cancellationToken = default) =>
        SendAsync<PersonList>(HttpMethod.Get, $"api/v1/parties/{Escape(partyId)}/people", null, cancellationToken);

    /// <summary>Replaces a person's password with a new one-time password (operator), shown only in this answer.</summary>
    public Task<PersonWithPassword> ResetPersonPasswordAsync(string partyId, string signIn, CancellationToken cancellationToken = default) =>
        SendAsync<PersonWithPassword>(HttpMethod.Post, $"api/v1/parties/{Escape(partyId)}/people/{Escape(signIn)}/reset-password", null, cancellationToken);

    // Datasets

    public Task<Dataset> CreateDatasetAsync(CreateDatasetRequest dataset, CancellationToken cancellationToken = default) =>
        SendAsync<Dataset>(HttpMethod.Post, "api/v1/datasets", Json(dataset), cancellationToken);

    public Task<DatasetList> ListDatasetsAsync(CancellationToken cancellationToken = default) =>
        SendAsync<DatasetList>(HttpMethod.Get, "api/v1/datasets", null, cancellationToken);

    public Task<Dataset> GetDatasetAsync(string datasetId, CancellationToken cancellationToken = default) =>
        SendAsync<Dataset>(HttpMethod.Get, $"api/v1/datasets/{Escape(datasetId)}", null, cancellationToken);

    /// <summary>
    /// Uploads a revision from <paramref name="rows"/> (CSV or JSON Lines, by its content type). The content is
    /// streamed as it is produced, so it may be larger than memory; an upload is never retried.
    /// </summary>
    public Task<Revision> UploadRevisionAsync(string datasetId, HttpContent rows, CancellationToken cancellationToken = default) =>
        SendAsync<Revision>(HttpMethod.Post, $"api/v1/datasets/{Escape(datasetId)}/revisions", () => rows, cancellationToken, disposeContent: false);

    /// <param name="mediaType">text/csv or application/x-ndjson.</param>
    public async Task<Revision> UploadRevisionAsync(string datasetId, Stream rows, string mediaType, CancellationToken cancellationToken = default)
    {
        using var content = new StreamContent(rows);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType) { CharSet = "utf-8" };
        return await UploadRevisionAsync(datasetId, content, cancellationToken);
    }

    public Task<Revision> RetireRevisionAsync(string datasetId, string revisionId, CancellationToken cancellationToken = default) =>
        SendAsync<Revision>(
            HttpMethod.Post, $"api/v1/datasets/{Escape(datasetId)}/revisions/{Escape(revisionId)}/retire", null, cancellationToken);

    /// <summary>Attaches (or changes) the dataset's City OS feed: NGSI-LD notifications become records of a revision per interval.</summary>
    public Task<NgsiLdFeed> AttachNgsiLdFeedAsync(string datasetId, AttachNgsiLdFeedRequest feed, CancellationToken cancellationToken = default) =>
        SendAsync<NgsiLdFeed>(HttpMethod.Put, $"api/v1/datasets/{Escape(datasetId)}/ngsi-ld", Json(feed), cancellationToken);

    public Task<NgsiLdFeed> GetNgsiLdFeedAsync(string datasetId, CancellationToken cancellationToken = default) =>
        SendAsync<NgsiLdFeed>(HttpMethod.Get, $"api/v1/datasets/{Escape(datasetId)}/ngsi-ld", null, cancellationToken);

    /// <summary>
    /// Sends one NGSI-LD notification (ETSI GS CIM 009) as a context broker would, as application/json. Safe to
    /// retry: the marketplace recognises the notification's id and appends it once.
    /// </summary>
    public Task<NgsiLdNotifyResult> NotifyNgsiLdAsync(string datasetId, string notificationJson, CancellationToken cancellationToken = default) =>
        SendAsync<NgsiLdNotifyResult>(HttpMethod.Post, $"api/v1/datasets/{Escape(datasetId)}/ngsi-ld/notify",
            () => new StringContent(notificationJson, System.Text.Encoding.UTF8, "application/json"), cancellationToken);

    // Offerings

    public Task<Offering> CreateOfferingAsync(CreateOfferingRequest offering, CancellationToken cancellationToken = default) =>
        SendAsync<Offering>(HttpMethod.Post, "api/v1/offerings", Json(offering), cancellationToken);

    public Task<OfferingList> ListOfferingsAsync(CancellationToken cancellationToken = default) =>
        SendAsync<OfferingList>(HttpMethod.Get, "api/v1/offerings", null, cancellationToken);

    public Task<Offering> GetOfferingAsync(string offeringId, CancellationToken cancellationToken = default) =>
        SendAsync<Offering>(HttpMethod.Get, $"api/v1/offerings/{Escape(offeringId)}", null, cancellationToken);

    /// <summary>
    /// Replaces the offering's terms if it is still at <paramref name="version"/> (its <see cref="Offering.Version"/>
    /// as read); otherwise the marketplace answers 412 and changes nothing. Sending the same terms again is safe.
    /// </summary>
    public Task<Offering> ReviseOfferingAsync(string offeringId, ReviseOfferingRequest terms, long version, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, $"api/v1/offerings/{Escape(offeringId)}", Json(terms), cancellationToken, idempotencyKey: null, ReadAsync<Offering>,
            ifMatch: string.Create(CultureInfo.InvariantCulture, $"\"{version}\""));

    /// <summary>Up to 20 records of the offering, where its provider shows a preview; free, with or without a key.</summary>
    public Task<OfferingPreview> GetOfferingPreviewAsync(string offeringId, CancellationToken cancellationToken = default) =>
        SendAsync<OfferingPreview>(HttpMethod.Get, $"api/v1/offerings/{Escape(offeringId)}/preview", null, cancellationToken);

    public Task<Offering> PublishOfferingAsync(string offeringId, CancellationToken cancellationToken = default) =>
        SendAsync<Offering>(HttpMethod.Post, $"api/v1/offerings/{Escape(offeringId)}/publish", null, cancellationToken);

    public Task<Offering> DelistOfferingAsync(string offeringId, CancellationToken cancellationToken = default) =>
        SendAsync<Offering>(HttpMethod.Post, $"api/v1/offerings/{Escape(offeringId)}/delist", null, cancellationToken);

    // Catalog

    public Task<CatalogPage> SearchCatalogAsync(CatalogQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var path = new StringBuilder("api/v1/catalog?");
        path.Append(CultureInfo.InvariantCulture, $"page={query.Page}&pageSize={query.PageSize}");
        Append(path, "q", query.Text);
        Append(path, "class", query.Class);
        Append(path, "theme", query.Theme);
        Append(path, "provider", query.Provider);
        Append(path, "priceModel", query.PriceModel);
        Append(path, "licence", query.Licence);
        Append(path, "sort", query.Sort);
        if (query.FreeOnly)
        {
            path.Append("&free=true");
        }

        return SendAsync<CatalogPage>(HttpMethod.Get, path.ToString(), null, cancellationToken);
    }

    // Contracts

    /// <summary>Asks for a contract on an offering for one purpose (buyer).</summary>
    public Task<Contract> SubscribeAsync(string offeringId, string purpose, CancellationToken cancellationToken = default) =>
        SendAsync<Contract>(
            HttpMethod.Post, $"api/v1/offerings/{Escape(offeringId)}/contracts", Json(new CreateContractRequest(purpose)), cancellationToken);

    /// <summary>A page of the caller's contracts, oldest first; pass the answer's <c>Next</c> as <paramref name="cursor"/> for the next.</summary>
    /// <param name="status">Only contracts in this state (e.g. <see cref="ContractStatuses.Requested"/>).</param>
    /// <param name="pageSize">1 to 200 (the server's default is 50).</param>
    public Task<ContractList> ListContractsAsync(string? status = null, string? offeringId = null, string? cursor = null, int? pageSize = null,
        CancellationToken cancellationToken = default)
    {
        var path = new StringBuilder("api/v1/contracts?");
        Append(path, "status", status);
        Append(path, "offeringId", offeringId);
        Append(path, "cursor", cursor);
        Append(path, "pageSize", pageSize?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return SendAsync<ContractList>(HttpMethod.Get, path.ToString().TrimEnd('?'), null, cancellationToken);
    }

    public Task<Contract> GetContractAsync(string contractId, CancellationToken cancellationToken = default) =>
        SendAsync<Contract>(HttpMethod.Get, $"api/v1/contracts/{Escape(contractId)}", null, cancellationToken);

    public Task<Contract> ApproveContractAsync(string contractId, string? reason = null, CancellationToken cancellationToken = default) =>
        TransitionAsync(contractId, "approve", reason, cancellationToken);

    public Task<Contract> RejectContractAsync(string contractId, string? reason = null, CancellationToken cancellationToken = default) =>
        TransitionAsync(contractId, "reject", reason, cancellationToken);

    public Task<Contract> SuspendContractAsync(string contractId, string? reason = null, CancellationToken cancellationToken = default) =>
        TransitionAsync(contractId, "suspend", reason, cancellationToken);

    public Task<Contract> ResumeContractAsync(string contractId, string? reason = null, CancellationToken cancellationToken = default) =>
        TransitionAsync(contractId, "resume", reason, cancellationToken);

    public Task<Contract> TerminateContractAsync(string contractId, string? reason = null, CancellationToken cancellationToken = default) =>
        TransitionAsync(contractId, "terminate", reason, cancellationToken);

    // Records and usage

    /// <summary>
    /// Reads one page of records under a contract (buyer). Every page is metered: pass an
    /// <paramref name="idempotencyKey"/> so a retry after a lost answer (this client's own retries included) is
    /// charged once and answers the same page.
    /// </summary>
    public async Task<RecordsPage> GetRecordsAsync(
        string contractId, RecordsQuery? query = null, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        var path = new StringBuilder($"api/v1/contracts/{Escape(contractId)}/records?");
        if (query?.Limit is { } limit)
        {
            path.Append(CultureInfo.InvariantCulture, $"limit={limit}");
        }

        Append(path, "cursor", query?.Cursor);
        foreach (var (field, value) in query?.Filters ?? [])
        {
            Append(path, field, value);
        }

        var page = await SendAsync(
            HttpMethod.Get, path.ToString().TrimEnd('?'), null, cancellationToken, idempotencyKey,
            async (response, ct) => await ReadAsync<RecordsPage>(response, ct) with
            {
                Replayed = response.Headers.TryGetValues("Idempotent-Replayed", out var values) && values.Contains("true"),
            });
        return page;
    }

    /// <summary>
    /// k-anonymous statistics under a contract (buyer): grouped by 1 to 3 of the offering's dimensions, optionally with
    /// the sum and average of one of its measures. Each answer is metered as one request: pass an
    /// <paramref name="idempotencyKey"/> so a retry is charged once.
    /// </summary>
    public Task<AggregateAnswer> GetAggregateAsync(
        string contractId, IReadOnlyList<string> groupBy, string? measure = null, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(groupBy);
        var path = new StringBuilder($"api/v1/contracts/{Escape(contractId)}/aggregate?");
        Append(path, "groupBy", string.Join(',', groupBy));
        Append(path, "measure", measure);
        return SendAsync(
            HttpMethod.Get, path.ToString(), null, cancellationToken, idempotencyKey,
            async (response, ct) => await ReadAsync<AggregateAnswer>(response, ct) with
            {
                Replayed = response.Headers.TryGetValues("Idempotent-Replayed", out var values) && values.Contains("true"),
            });
    }

    /// <param name="period">A billing period ("2026-11"); null for the current one.</param>
    public Task<UsageStatement> GetUsageAsync(string? period = null, CancellationToken cancellationToken = default) =>
        SendAsync<UsageStatement>(HttpMethod.Get, period is null ? "api/v1/usage" : $"api/v1/usage?period={Escape(period)}", null, cancellationToken);

    public Task<UsageStatement> GetContractUsageAsync(string contractId, string? period = null, CancellationToken cancellationToken = default) =>
        SendAsync<UsageStatement>(
            HttpMethod.Get,
            $"api/v1/contracts/{Escape(contractId)}/usage" + (period is null ? "" : $"?period={Escape(period)}"),
            null,
            cancellationToken);

    /// <summary>Reports usage of data the provider served itself; idempotent by each event's id.</summary>
    public Task<UsageReportResult> ReportUsageAsync(UsageReportRequest report, CancellationToken cancellationToken = default) =>
        SendAsync<UsageReportResult>(HttpMethod.Post, "api/v1/usage", Json(report), cancellationToken);

    // Consent (issue 10)

    /// <summary>Replaces the certifications a buyer declares (the buyer itself, or the operator).</summary>
    public Task<PartyCertifications> SetCertificationsAsync(string partyId, CertificationsRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<PartyCertifications>(HttpMethod.Put, $"api/v1/parties/{Escape(partyId)}/certifications", Json(request), cancellationToken);

    /// <summary>Sets (null: removes) the email a party publishes as its datasets' contact point in the open-data catalog.</summary>
    public Task<PartyContact> SetContactAsync(string partyId, PartyContactRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<PartyContact>(HttpMethod.Put, $"api/v1/parties/{Escape(partyId)}/contact", Json(request), cancellationToken);

    /// <summary>How consent stands under a contract of personal data (its buyer, provider or the operator).</summary>
    public Task<ContractConsent> GetContractConsentAsync(string contractId, CancellationToken cancellationToken = default) =>
        SendAsync<ContractConsent>(HttpMethod.Get, $"api/v1/contracts/{Escape(contractId)}/consent", null, cancellationToken);

    // Billing

    /// <summary>Sets how a party is invoiced and paid (the party itself, or the operator; only the operator sets ServiceApp).</summary>
    public Task<PartyBilling> SetPartyBillingAsync(string partyId, PartyBillingRequest billing, CancellationToken cancellationToken = default) =>
        SendAsync<PartyBilling>(HttpMethod.Put, $"api/v1/parties/{Escape(partyId)}/billing", Json(billing), cancellationToken);

    public Task<PeriodList> ListPeriodsAsync(CancellationToken cancellationToken = default) =>
        SendAsync<PeriodList>(HttpMethod.Get, "api/v1/billing/periods", null, cancellationToken);

    /// <summary>Closes a billing period (operator); closing again answers the same close.</summary>
    public Task<PeriodClose> ClosePeriodAsync(string period, CancellationToken cancellationToken = default) =>
        SendAsync<PeriodClose>(HttpMethod.Post, $"api/v1/billing/periods/{Escape(period)}/close", null, cancellationToken);

    public Task<InvoiceList> ListInvoicesAsync(string period, CancellationToken cancellationToken = default) =>
        SendAsync<InvoiceList>(HttpMethod.Get, $"api/v1/billing/periods/{Escape(period)}/invoices", null, cancellationToken);

    public Task<Invoice> GetInvoiceAsync(string invoiceId, CancellationToken cancellationToken = default) =>
        SendAsync<Invoice>(HttpMethod.Get, $"api/v1/invoices/{Escape(invoiceId)}", null, cancellationToken);

    public Task<StatementList> ListStatementsAsync(string period, CancellationToken cancellationToken = default) =>
        SendAsync<StatementList>(HttpMethod.Get, $"api/v1/billing/periods/{Escape(period)}/statements", null, cancellationToken);

    private Task<Contract> TransitionAsync(string contractId, string verb, string? reason, CancellationToken cancellationToken) =>
        SendAsync<Contract>(
            HttpMethod.Post, $"api/v1/contracts/{Escape(contractId)}/{verb}", Json(new ContractActionRequest(reason)), cancellationToken);

    private static Func<HttpContent> Json<T>(T body) => () => JsonContent.Create(body, options: MarketplaceJson.Options);

    private static string Escape(string value) => Uri.EscapeDataString(value);

    private static void Append(StringBuilder path, string name, string? value)
    {
        if (value is null)
        {
            return;
        }

        if (path[^1] != '?')
        {
            path.Append('&');
        }

        path.Append(Escape(name)).Append('=').Append(Escape(value));
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken) =>
        await response.Content.ReadFromJsonAsync<T>(MarketplaceJson.Options, cancellationToken)
        ?? throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered an empty body.");

    private Task<T> SendAsync<T>(
        HttpMethod method, string path, Func<HttpContent>? content, CancellationToken cancellationToken, bool disposeContent = true) =>
        SendAsync(method, path, content, cancellationToken, idempotencyKey: null, ReadAsync<T>, disposeContent);

    private async Task<T> SendAsync<T>(
        HttpMethod method,
        string path,
        Func<HttpContent>? content,
        CancellationToken cancellationToken,
        string? idempotencyKey,
        Func<HttpResponseMessage, CancellationToken, Task<T>> read,
        bool disposeContent = true,
        string? ifMatch = null)
    {
        // Only requests that are safe to repeat are retried: reads, and anything carrying an idempotency key.
        var tries = method == HttpMethod.Get || idempotencyKey is not null ? attempts : 1;
        for (var attempt = 1; ; attempt++)
        {
            var request = new HttpRequestMessage(method, path) { Content = content?.Invoke() };
            try
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                if (idempotencyKey is not null)
                {
                    request.Headers.Add("Idempotency-Key", idempotencyKey);
                }

                if (ifMatch is not null)
                {
                    request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ifMatch));
                }

                HttpResponseMessage response;
                try
                {
                    response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                }
                catch (HttpRequestException) when (attempt < tries)
                {
                    await Task.Delay(retryDelay * attempt, cancellationToken);
                    continue;
                }

                using (response)
                {
                    if (response.IsSuccessStatusCode)
                    {
                        return await read(response, cancellationToken);
                    }

                    if (attempt < tries && IsTransient(response.StatusCode))
                    {
                        await Task.Delay(response.Headers.RetryAfter?.Delta ?? retryDelay * attempt, cancellationToken);
                        continue;
                    }

                    throw await MarketplaceProblemException.ReadAsync(request, response, cancellationToken);
                }
            }
            finally
            {
                if (disposeContent)
                {
                    request.Dispose();
                }
            }
        }
    }

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.BadGateway
            or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;
}
