using System.Net;
using System.Net.Http.Json;
using Marketplace.Host.Tests.Hostile;

namespace Marketplace.Host.Tests;

/// <summary>Ids in routes follow one rule on every route; acting on a contract that does not exist changes nothing.</summary>
[Collection(MarketplaceCollection.Name)]
public sealed class RouteIdTests(MarketplaceFixture fixture)
{
    private readonly MarketplaceDriver _driver = fixture.Driver;

    [Theory]
    [InlineData("%20")]
    [InlineData("..%2F..")]
    [InlineData("%E6%B8%AF")]
    [InlineData("UPPER")]
    public async Task A_malformed_id_is_a_400_on_every_route_with_an_id(string id)
    {
        using var op = _driver.Operator;
        var subject = (await Consent.ConsentWorld.CreateAsync(fixture, residents: 1)).Residents[0].Client;
        HttpClient[] callers = [op, (await _driver.CreatePartyAsync("provider")).Client, (await _driver.CreatePartyAsync("buyer")).Client,
            (await _driver.CreatePartyAsync("information-bank")).Client, subject];
        var document = ApiDocument.Parse(await (await op.GetAsync("/openapi/v1.json")).Content.ReadAsStringAsync());
        // The CKAN API's {action} is an action name, not an id: an unknown one answers CKAN's 400 "Bad Request"
        // in CKAN's error format, not ProblemDetails (CkanApiTests covers it).
        var routes = document.Operations.Where(o => o.PathParameters.Count > 0 && !o.PathTemplate.StartsWith("/api/3/", StringComparison.Ordinal)).ToList();

        foreach (var route in routes)
        {
            var answered = 0;
            foreach (var caller in callers)
            {
                using var request = new HttpRequestMessage(route.Method, route.PathWith(route.PathParameters.ToDictionary(p => p, _ => id)));
                using var response = await caller.SendAsync(request);
                if (response.StatusCode == HttpStatusCode.Forbidden)
                {
                    continue; // this role may not call the route at all, whatever the id
                }
                var problem = await MarketplaceDriver.Problem(response, HttpStatusCode.BadRequest);
                Assert.EndsWith(".invalid", problem.GetProperty("code").GetString(), StringComparison.Ordinal);
                answered++;
            }
            Assert.True(answered > 0, $"no caller got past authorization on {route}");
        }
        Assert.NotEmpty(routes);
    }

    [Theory]
    [InlineData("approve")]
    [InlineData("reject")]
    [InlineData("suspend")]
    [InlineData("resume")]
    [InlineData("terminate")]
    public async Task An_operator_acting_on_an_unknown_contract_gets_a_404_and_the_contract_stays_unknown(string verb)
    {
        using var op = _driver.Operator;
        var id = MarketplaceDriver.UniqueId("ctr");

        var problem = await MarketplaceDriver.Problem(
            await op.PostAsJsonAsync($"/api/v1/contracts/{id}/{verb}", new { reason = "no such contract" }), HttpStatusCode.NotFound);
        await MarketplaceDriver.Problem(await op.GetAsync($"/api/v1/contracts/{id}"), HttpStatusCode.NotFound);

        Assert.Equal("contract.not-found", problem.GetProperty("code").GetString());
    }
}
