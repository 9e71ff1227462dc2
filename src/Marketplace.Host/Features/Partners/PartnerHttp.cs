using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Marketplace.Application.Federation;
using Marketplace.Application.Usage;
using Marketplace.Domain;
using Marketplace.Host.Features.Contracts;
using Marketplace.Host.Features.Datasets;
using Marketplace.Host.Features.Offerings;
using Marketplace.Storage;

namespace Marketplace.Host.Features.Partners;

/// <summary>
/// A partner marketplace's API over HTTP, as our buyer there. Every answer is bounded (<see cref="MaxAnswerBytes"/>)
/// and read whole before it is believed; what the partner refuses becomes a <c>partner.*</c> error naming the partner
/// and its reason, what cannot be reached or read becomes <see cref="PartnerUnavailableException"/>.
/// </summary>
public sealed class PartnerHttp(IHttpClientFactory clients) : IPartnerMarketplace
{
    public const string ClientName = "marketplace-partners";

    /// <summary>A page of 1,000 records of a few KB each fits well within this; anything larger is not a page.</summary>
    public const int MaxAnswerBytes = 16 * 1024 * 1024;

    private static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(30);

    private static readonly JsonSerializerOptions Json = CreateJson();

    public async Task<PartnerOffering> GetOfferingAsync(PartnerAddress partner, string offeringId, CancellationToken cancellationToken = default)
    {
        var o = await SendAsync<OfferingResponse>(partner, HttpMethod.Get, $"api/v1/offerings/{Uri.EscapeDataString(offeringId)}", null, null, cancellationToken);
        return Read(partner, () => new PartnerOffering(o.Id, Wire.ParseEnum<DatasetClass>(o.DatasetClass, "datasetClass"), o.Title, o.Description,
            OfferingMapping.ToPlan(o.Pricing), [.. (o.PurposePrices ?? []).Select(p => new PurposePrice(p.Purpose ?? "", OfferingMapping.ToPlan(p.Pricing!)))],
            OfferingMapping.ToPolicy(o.Policy)));
    }

    public async Task<IReadOnlyList<SchemaField>?> FieldsAsync(PartnerAddress partner, string offeringId, CancellationToken cancellationToken = default)
    {
        try
        {
            var preview = await SendAsync<OfferingPreviewResponse>(
                partner, HttpMethod.Get, $"api/v1/offerings/{Uri.EscapeDataString(offeringId)}/preview", null, null, cancellationToken);
            return Read(partner, () => preview.Fields.Select(f => new SchemaField(f.Name ?? "", Wire.ParseEnum<FieldType>(f.Type, "type"), f.Required)).ToList());
        }
        catch (DomainException e) when (e.Code == ErrorCodes.PartnerRefused.Value)
        {
            return null;
        }
    }

    public async Task<PartnerContract?> FindContractAsync(PartnerAddress partner, string offeringId, string purpose, CancellationToken cancellationToken = default)
    {
        var list = await SendAsync<ContractListResponse>(
            partner, HttpMethod.Get, $"api/v1/contracts?offeringId={Uri.EscapeDataString(offeringId)}&pageSize=200", null, null, cancellationToken);
        return list.Items
            .Where(c => c.Purpose == purpose && c.Status is PartnerContract.Active or PartnerContract.Requested)
            .Select(c => ToContract(partner, c))
            .FirstOrDefault();
    }

    public async Task<PartnerContract> SubscribeAsync(
        PartnerAddress partner, string offeringId, string purpose, string idempotencyKey, CancellationToken cancellationToken = default) =>
        ToContract(partner, await SendAsync<ContractResponse>(partner, HttpMethod.Post, $"api/v1/offerings/{Uri.EscapeDataString(offeringId)}/contracts",
            JsonContent.Create(new SubscribeRequest(purpose), options: Json), idempotencyKey, cancellationToken));

    public async Task<PartnerContract> GetContractAsync(PartnerAddress partner, string contractId, CancellationToken cancellationToken = default) =>
        ToContract(partner, await SendAsync<ContractResponse>(partner, HttpMethod.Get, $"api/v1/contracts/{Uri.EscapeDataString(contractId)}", null, null,
            cancellationToken));

    public async Task<PartnerPage> ReadPageAsync(
        PartnerAddress partner, string contractId, string? cursor, int limit, IReadOnlyList<FieldFilter> filters, string idempotencyKey,
        CancellationToken cancellationToken = default)
    {
        var path = new StringBuilder($"api/v1/contracts/{Uri.EscapeDataString(contractId)}/records?limit=");
        path.Append(limit.ToString(CultureInfo.InvariantCulture));
        if (cursor is not null)
        {
            path.Append("&cursor=").Append(Uri.EscapeDataString(cursor));
        }
        foreach (var filter in filters)
        {
            path.Append('&').Append(Uri.EscapeDataString(filter.Field)).Append('=').Append(Uri.EscapeDataString(filter.Value));
        }
        var (body, replayed) = await SendRawAsync(partner, HttpMethod.Get, path.ToString(), null, idempotencyKey, cancellationToken);
        return Read(partner, () =>
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            var records = root.GetProperty("records");
            var items = new List<string>(records.GetArrayLength());
            foreach (var record in records.EnumerateArray())
            {
                if (record.ValueKind != JsonValueKind.Object)
                {
                    throw new JsonException("A record is not a JSON object.");
                }
                items.Add(record.GetRawText());
            }
            var next = root.GetProperty("nextCursor");
            return new PartnerPage(root.GetProperty("revisionId").GetString() ?? "", items,
                next.ValueKind == JsonValueKind.Null ? null : next.GetString(), root.GetProperty("unitsMetered").GetInt64(), replayed);
        });
    }

    public async Task<PartnerUsage> GetUsageAsync(PartnerAddress partner, string contractId, BillingPeriod period, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(period);
        var usage = await SendAsync<UsageResponse>(partner, HttpMethod.Get,
            $"api/v1/contracts/{Uri.EscapeDataString(contractId)}/usage?period={Uri.EscapeDataString(period.Id)}", null, null, cancellationToken);
        return Read(partner, () =>
        {
            var units = 0L;
            Money? charge = null;
            foreach (var item in usage.Items.Where(i => i.ContractId == contractId))
            {
                units = checked(units + item.Units);
                var money = Money.Of(item.Charge.MinorUnits, item.Charge.Currency);
                charge = charge is null ? money : charge + money;
            }
            return new PartnerUsage(units, charge ?? throw new JsonException($"The usage answer holds no line for contract '{contractId}'."));
        });
    }

    private static PartnerContract ToContract(PartnerAddress partner, ContractResponse c) =>
        Read(partner, () => new PartnerContract(c.Id, c.OfferingId, c.Purpose, c.Status, OfferingMapping.ToPlan(c.Pricing)));

    /// <summary>Turns the partner's answer into ours; an answer that does not map is the partner's fault (502), never the caller's.</summary>
    private static T Read<T>(PartnerAddress partner, Func<T> map)
    {
        try
        {
            return map();
        }
        catch (Exception e) when (e is JsonException or DomainException or KeyNotFoundException or InvalidOperationException or FormatException
            or NullReferenceException or ArgumentException or OverflowException)
        {
            throw Unreadable(partner, e);
        }
    }

    private async Task<T> SendAsync<T>(
        PartnerAddress partner, HttpMethod method, string path, HttpContent? content, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var (body, _) = await SendRawAsync(partner, method, path, content, idempotencyKey, cancellationToken);
        return Read(partner, () => JsonSerializer.Deserialize<T>(body, Json) ?? throw new JsonException("The answer is empty."));
    }

    private async Task<(byte[] Body, bool Replayed)> SendRawAsync(
        PartnerAddress partner, HttpMethod method, string path, HttpContent? content, string? idempotencyKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(partner.BaseUrl, path)) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", partner.BuyerKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        var client = clients.CreateClient(ClientName);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new PartnerUnavailableException(partner.PartnerId,
                $"Partner '{partner.Name}' could not be reached ({e.Message}); nothing was served or metered here. Try again later; a retry with the same Idempotency-Key is safe.",
                DefaultRetryAfter, badGateway: false, e);
        }
        using (response)
        {
            var body = await ReadBoundedAsync(partner, response, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return (body, response.Headers.TryGetValues("Idempotent-Replayed", out var values) && values.Contains("true"));
            }
            var reason = ReasonOf(body, response.StatusCode);
            var status = (int)response.StatusCode;
            if (response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout
                or HttpStatusCode.RequestTimeout)
            {
                throw new PartnerUnavailableException(partner.PartnerId,
                    $"Partner '{partner.Name}' is unavailable ({status}: {reason}); nothing was served or metered here. Try again later.",
                    response.Headers.RetryAfter?.Delta ?? DefaultRetryAfter, badGateway: false);
            }
            if (status >= 500)
            {
                throw new PartnerUnavailableException(partner.PartnerId,
                    $"Partner '{partner.Name}' failed ({status}: {reason}); nothing was served or metered here.", DefaultRetryAfter, badGateway: true);
            }
            var code = response.StatusCode switch
            {
                HttpStatusCode.TooManyRequests => ErrorCodes.PartnerQuotaExceeded,
                HttpStatusCode.BadRequest => ErrorCodes.PartnerRejectedRequest,
                _ => ErrorCodes.PartnerRefused,
            };
            throw new DomainException(code, $"Partner '{partner.Name}' refused ({status}): {reason}");
        }
    }

    private static async Task<byte[]> ReadBoundedAsync(PartnerAddress partner, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > MaxAnswerBytes)
        {
            throw TooLarge(partner);
        }
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81_920];
        int read;
        try
        {
            while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > MaxAnswerBytes)
                {
                    throw TooLarge(partner);
                }
                buffer.Write(chunk, 0, read);
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw new PartnerUnavailableException(partner.PartnerId,
                $"Partner '{partner.Name}' broke off its answer ({e.Message}); nothing was served or metered here. Try again later.",
                DefaultRetryAfter, badGateway: false, e);
        }
        return buffer.ToArray();
    }

    /// <summary>The partner's own words (its ProblemDetails detail and code), bounded, or its status when it gave none.</summary>
    private static string ReasonOf(byte[] body, HttpStatusCode status)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var detail = json.RootElement.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            var code = json.RootElement.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            if (detail is not null)
            {
                return Bounded(code is null ? detail : $"{detail} ({code})");
            }
        }
        catch (JsonException)
        {
        }
        return status.ToString();
    }

    private static string Bounded(string text) => text.Length <= 500 ? text : string.Concat(text.AsSpan(0, 500), "…");

    private static PartnerUnavailableException TooLarge(PartnerAddress partner) =>
        new(partner.PartnerId, $"Partner '{partner.Name}' answered more than {MaxAnswerBytes / (1024 * 1024)} MiB, more than any page; nothing was served or metered here.",
            DefaultRetryAfter, badGateway: true);

    private static PartnerUnavailableException Unreadable(PartnerAddress partner, Exception e) =>
        new(partner.PartnerId, $"Partner '{partner.Name}' answered something this marketplace cannot read ({Bounded(e.Message)}); nothing was served or metered here.",
            DefaultRetryAfter, badGateway: true, e);

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(Wire.EnumNaming));
        return options;
    }
}
