using System.Net;
using System.Text.Json;

namespace Marketplace.Host.Tests.Operate;

/// <summary>Readiness asks whichever store is configured: here Cosmos.</summary>
[Collection(CosmosMarketplaceCollection.Name)]
public sealed class CosmosHealthTests(CosmosMarketplaceFixture fixture)
{
    [Fact]
    public async Task Ready_answers_200_with_the_Cosmos_store_reachable()
    {
        using var response = await fixture.Factory.CreateClient().GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(body.RootElement.GetProperty("checks").EnumerateArray(),
            c => c.GetProperty("name").GetString() == "store" && c.GetProperty("status").GetString() == "Healthy");
    }
}
