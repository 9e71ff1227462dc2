using System.Net;
using System.Text.Json;
using Marketplace.Host.Tests.Faults;

namespace Marketplace.Host.Tests.Operate;

/// <summary>Liveness and readiness: what a load balancer or Kubernetes asks before sending traffic.</summary>
public sealed class HealthTests(FaultyMarketplaceFixture fixture) : IClassFixture<FaultyMarketplaceFixture>
{
    [Fact]
    public async Task Ready_answers_200_with_store_silo_and_membership_healthy()
    {
        using var response = await fixture.Factory.CreateClient().GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var checks = await ChecksAsync(response);
        Assert.Equal(new Dictionary<string, string> { ["membership"] = "Healthy", ["silo"] = "Healthy", ["store"] = "Healthy" }, checks);
    }

    [Fact]
    public async Task Ready_answers_503_naming_the_store_while_the_store_is_down()
    {
        fixture.Faults.Unavailable = true;
        HttpResponseMessage response;
        try
        {
            response = await fixture.Factory.CreateClient().GetAsync("/health/ready");
        }
        finally
        {
            fixture.Faults.Unavailable = false;
        }

        using (response)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            var checks = await ChecksAsync(response);
            Assert.Equal("Unhealthy", checks["store"]);
            Assert.Equal("Healthy", checks["silo"]);
        }
    }

    [Fact]
    public async Task Live_answers_200_while_the_store_is_down()
    {
        fixture.Faults.Unavailable = true;
        try
        {
            using var response = await fixture.Factory.CreateClient().GetAsync("/health/live");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            fixture.Faults.Unavailable = false;
        }
    }

    [Fact]
    public async Task Ready_answers_only_check_names_and_statuses_to_an_anonymous_caller()
    {
        fixture.Faults.Unavailable = true;
        string body;
        try
        {
            body = await (await fixture.Factory.CreateClient().GetAsync("/health/ready")).Content.ReadAsStringAsync();
        }
        finally
        {
            fixture.Faults.Unavailable = false;
        }

        using var document = JsonDocument.Parse(body);
        Assert.Equal(["checks", "status"], document.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.All(document.RootElement.GetProperty("checks").EnumerateArray(),
            check => Assert.Equal(["name", "status"], check.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)));
        Assert.DoesNotContain("outage", body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_old_health_endpoint_still_answers_200()
    {
        using var response = await fixture.Factory.CreateClient().GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<Dictionary<string, string>> ChecksAsync(HttpResponseMessage response)
    {
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString() ?? "", StringComparison.Ordinal);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString()!);
    }
}
