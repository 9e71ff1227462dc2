using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Domain;
using Marketplace.Grains;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Marketplace.Host.Tests;

/// <summary>
/// One rule for enums on the wire: lower-case kebab (<see cref="Wire.Name{T}"/>). Checked across every answer of
/// a whole flow, so a mapper that writes <c>ToString()</c> (or a converter with another policy) fails here.
/// </summary>
[Collection(MarketplaceCollection.Name)]
public sealed class WireEnumTests(MarketplaceFixture fixture)
{
    private readonly MarketplaceDriver _driver = fixture.Driver;

    [Fact]
    public async Task Every_enum_value_in_the_answers_of_a_whole_flow_is_spelled_in_lower_case_kebab()
    {
        var answers = new List<(string Request, JsonElement Body)>();
        async Task Read(string request, Task<HttpResponseMessage> call)
        {
            using var response = await call;
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{request} answered {(int)response.StatusCode}: {body}");
            answers.Add((request, JsonDocument.Parse(body).RootElement.Clone()));
        }

        var listing = await _driver.ListedOfferingAsync(records: 3, approval: "provider");
        var buyer = await _driver.CreatePartyAsync("buyer");
        var provider = listing.Provider.Client;
        var contract = await MarketplaceDriver.SubscribeAsync(buyer, listing.OfferingId, "research");
        await Read("GET party", provider.GetAsync("/api/v1/parties/me"));
        await Read("GET parties", _driver.Operator.GetAsync("/api/v1/parties"));
        await Read("GET dataset", provider.GetAsync($"/api/v1/datasets/{listing.DatasetId}"));
        await Read("GET offering", provider.GetAsync($"/api/v1/offerings/{listing.OfferingId}"));
        await Read("GET catalog", buyer.Client.GetAsync($"/api/v1/catalog?provider={listing.Provider.Id}"));
        await Read("GET requested contract", buyer.Client.GetAsync($"/api/v1/contracts/{contract.Id}"));
        await Read("approve", provider.PostAsync($"/api/v1/contracts/{contract.Id}/approve", null));
        await Read("GET records", buyer.Client.GetAsync($"/api/v1/contracts/{contract.Id}/records"));
        await Read("GET usage", buyer.Client.GetAsync($"/api/v1/contracts/{contract.Id}/usage"));
        await Read("suspend", provider.PostAsJsonAsync($"/api/v1/contracts/{contract.Id}/suspend", new { reason = "audit" }));
        await Read("GET contracts", provider.GetAsync($"/api/v1/contracts?offeringId={listing.OfferingId}"));

        var misspelt = answers
            .SelectMany(a => Strings(a.Body, "$").Select(s => (a.Request, s.Path, s.Value)))
            .Select(s => (s.Request, s.Path, s.Value, Expected: WireNames.GetValueOrDefault(Normalized(s.Value))))
            .Where(s => s.Expected is not null && s.Value != s.Expected)
            .Select(s => $"{s.Request} {s.Path} = \"{s.Value}\" (expected \"{s.Expected}\")")
            .ToList();
        Assert.Empty(misspelt);
        Assert.Contains(answers, a => Strings(a.Body, "$").Any(s => s.Value == "suspended")); // the walk did see enums
    }

    [Fact]
    public void Enums_serialized_by_the_hosts_json_options_are_lower_case_kebab()
    {
        var json = fixture.Factory.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;

        Assert.Equal("[\"requested\",\"per-unit\",\"mib\",\"datetime\"]",
            JsonSerializer.Serialize(new object[] { ContractStatus.Requested, PlanKind.PerUnit, UsageUnit.MiB, FieldType.DateTime }, json));
    }

    [Fact]
    public void Enums_read_by_the_hosts_json_options_ignore_case()
    {
        var json = fixture.Factory.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;

        Assert.Equal(ContractStatus.Active, JsonSerializer.Deserialize<ContractStatus>("\"Active\"", json));
        Assert.Equal(ContractStatus.Active, JsonSerializer.Deserialize<ContractStatus>("\"active\"", json));
    }

    /// <summary>Every member of every enum the marketplace defines, by its spelling without case or dashes.</summary>
    private static readonly Dictionary<string, string> WireNames = typeof(ContractStatus).Assembly.GetTypes()
        .Concat(typeof(IContractGrain).Assembly.GetTypes())
        .Where(t => t.IsEnum && t.IsPublic)
        .SelectMany(t => Enum.GetValues(t).Cast<Enum>())
        .Select(v => (Key: Normalized(v.ToString()), Name: WireName(v)))
        .GroupBy(v => v.Key)
        .ToDictionary(g => g.Key, g => g.First().Name);

    private static string WireName(Enum value) =>
        (string)typeof(Wire).GetMethod(nameof(Wire.Name))!.MakeGenericMethod(value.GetType()).Invoke(null, [value])!;

    private static string Normalized(string value) =>
        value.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal).ToUpperInvariant();

    private static IEnumerable<(string Path, string Value)> Strings(JsonElement element, string path) => element.ValueKind switch
    {
        JsonValueKind.String => [(path, element.GetString()!)],
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Strings(p.Value, $"{path}.{p.Name}")),
        JsonValueKind.Array => element.EnumerateArray().SelectMany((e, i) => Strings(e, $"{path}[{i}]")),
        _ => [],
    };
}
