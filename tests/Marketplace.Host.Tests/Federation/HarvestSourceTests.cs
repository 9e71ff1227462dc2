using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Application.Harvest;
using Marketplace.Host.Features.Harvest;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Host.Tests.Federation;

/// <summary>A marketplace whose harvest client reaches only <see cref="FakeSource"/>, with small bounds so hostile sources hit them quickly.</summary>
public sealed class HarvestFixture : IAsyncLifetime
{
    public FakeSource Sources { get; } = new();

    public MarketplaceFactory Factory { get; private set; } = null!;

    public MarketplaceDriver Driver { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Factory = new MarketplaceFactory(settings: new Dictionary<string, string>
        {
            ["Marketplace:Harvest:MaxCkanPageBytes"] = "200000",
            ["Marketplace:Harvest:RequestTimeout"] = "00:00:01",
            ["Marketplace:Harvest:CkanPageSize"] = "2",
        })
        {
            ConfigureServices = services => services.AddHttpClient(HarvestLimits.HttpClientName).ConfigurePrimaryHttpMessageHandler(Sources.Handler),
        };
        Driver = new MarketplaceDriver(Factory);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}

/// <summary>Harvesting in one process against fake sources: mapping end to end, re-runs, hostile and unreadable sources, deletion.</summary>
public sealed class HarvestSourceTests(HarvestFixture fixture) : IClassFixture<HarvestFixture>
{
    private readonly FakeSource _sources = fixture.Sources;

    /// <summary>A source that nothing answers (for the authorization matrix and the hostile sweep).</summary>
    public static object UnreachableSource() => new { name = "Unreachable city", kind = "dcat", url = "http://127.0.0.1:9/catalog.ttl", schedule = "manual" };

    private static object Package(string id, string title, string url = "https://b.example/data.csv", string? notes = null) => new
    {
        id,
        name = id,
        title,
        notes = notes ?? $"About {title}",
        url = "",
        license_id = "CC-BY-4.0",
        organization = new { name = "b-transit", title = "City B transit bureau" },
        tags = new[] { new { name = "bus" } },
        groups = new[] { new { name = "TRAN" } },
        resources = new[] { new { name = "CSV", url, format = "CSV" } },
    };

    private async Task<HarvestSourceResponse> RegisterAsync(string kind, string url)
    {
        var created = await fixture.Driver.Operator.PostAsJsonAsync("/api/v1/harvest-sources", new { name = "City B", kind, url, schedule = "manual" });
        return await MarketplaceDriver.Ok<HarvestSourceResponse>(created, HttpStatusCode.Created);
    }

    private async Task<HarvestRunResponse> RunAsync(string sourceId) =>
        await MarketplaceDriver.Ok<HarvestRunResponse>(await fixture.Driver.Operator.PostAsync($"/api/v1/harvest-sources/{sourceId}/harvest", null), HttpStatusCode.OK);

    private async Task<JsonElement> SearchAsync(string text) =>
        await MarketplaceDriver.Ok<JsonElement>(await fixture.Factory.CreateClient().GetAsync($"/api/v1/catalog?q={Uri.EscapeDataString(text)}"), HttpStatusCode.OK);

    [Fact]
    public async Task A_ckan_source_becomes_public_listings_marked_with_their_origin()
    {
        var api = FakeSource.NewBase() + "/api/3/action";
        var word = MarketplaceDriver.UniqueId("tram");
        _sources.Ckan(api, [Package("p1", $"Tram stops {word}"), Package("p2", $"Tram lines {word}"), Package("p3", $"Tram fares {word}")]);
        var source = await RegisterAsync("ckan", api);

        var run = await RunAsync(source.Id);

        Assert.Equal((3, 3, 0, 0, 0, 0), (run.Found, run.Created, run.Updated, run.Unchanged, run.Withdrawn, run.ErrorCount));
        var found = await SearchAsync(word);
        Assert.Equal(3, found.GetProperty("total").GetInt32());
        var item = found.GetProperty("items")[0];
        Assert.Equal(source.Id, item.GetProperty("providerId").GetString());
        Assert.Equal("City B", item.GetProperty("origin").GetProperty("sourceName").GetString());
        Assert.Equal("City B transit bureau", item.GetProperty("origin").GetProperty("publisher").GetString());
        Assert.Equal("https://b.example/data.csv", item.GetProperty("origin").GetProperty("resources")[0].GetProperty("url").GetString());
    }

    [Fact]
    public async Task Harvesting_again_counts_unchanged_updates_what_changed_and_withdraws_what_is_gone()
    {
        var api = FakeSource.NewBase() + "/api/3/action";
        var word = MarketplaceDriver.UniqueId("ferry");
        _sources.Ckan(api, [Package("a", $"Ferry A {word}"), Package("b", $"Ferry B {word}")]);
        var source = await RegisterAsync("ckan", api);
        await RunAsync(source.Id);

        var again = await RunAsync(source.Id);
        _sources.Ckan(api, [Package("a", $"Ferry A renamed {word}")]);
        var changed = await RunAsync(source.Id);

        Assert.Equal((0, 0, 2, 0), (again.Created, again.Updated, again.Unchanged, again.Withdrawn));
        Assert.Equal((0, 1, 0, 1), (changed.Created, changed.Updated, changed.Unchanged, changed.Withdrawn));
        var found = await SearchAsync(word);
        Assert.Equal(1, found.GetProperty("total").GetInt32());
        Assert.StartsWith("Ferry A renamed", found.GetProperty("items")[0].GetProperty("title").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hostile_records_are_refused_with_clear_errors_on_the_run_and_the_rest_is_harvested()
    {
        var api = FakeSource.NewBase() + "/api/3/action";
        var word = MarketplaceDriver.UniqueId("hostile");
        _sources.Ckan(api,
        [
            Package("ok", $"Plain title {word}"),
            Package("html", $"<img src=x onerror=alert(1)> {word}"),
            Package("script-url", $"Bad link {word}", url: "javascript:alert(1)"),
            Package("long", new string('x', 5_000)),
        ]);
        var source = await RegisterAsync("ckan", api);

        var run = await RunAsync(source.Id);

        Assert.True(run.Completed);
        Assert.Equal((4, 1, 3), (run.Found, run.Created, run.ErrorCount));
        Assert.Contains(run.Errors, e => e.Contains("'html'", StringComparison.Ordinal) && e.Contains("HTML", StringComparison.Ordinal));
        Assert.Contains(run.Errors, e => e.Contains("'script-url'", StringComparison.Ordinal) && e.Contains("not an http or https URL", StringComparison.Ordinal));
        Assert.Contains(run.Errors, e => e.Contains("'long'", StringComparison.Ordinal) && e.Contains("5,000 characters", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_source_that_cannot_be_read_records_why_and_withdraws_nothing()
    {
        var api = FakeSource.NewBase() + "/api/3/action";
        var word = MarketplaceDriver.UniqueId("kept");
        _sources.Ckan(api, [Package("k", $"Kept {word}")]);
        var source = await RegisterAsync("ckan", api);
        await RunAsync(source.Id);
        _sources.Answer($"{api}/package_search?rows=2&start=0&sort=name%20asc", "text/html", "<html>maintenance</html>", HttpStatusCode.ServiceUnavailable);

        var run = await RunAsync(source.Id);

        Assert.False(run.Completed);
        Assert.Contains("503", Assert.Single(run.Errors), StringComparison.Ordinal);
        Assert.Equal(1, (await SearchAsync(word)).GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("json")]
    [InlineData("large")]
    [InlineData("slow")]
    [InlineData("refused")]
    public async Task An_unreadable_answer_is_an_error_on_the_run_never_a_failure_of_the_request(string how)
    {
        var api = FakeSource.NewBase() + "/api/3/action";
        var url = $"{api}/package_search?rows=2&start=0&sort=name%20asc";
        switch (how)
        {
            case "json": _sources.Answer(url, "application/json", "{\"success\": true, \"result\": {\"count\": 1, \"results\": ["); break;
            case "large": _sources.Answer(url, "application/json", new string(' ', 300_000)); break;
            case "slow": _sources.Hang(url); break;
            default: _sources.Fail(url); break;
        }
        var source = await RegisterAsync("ckan", api);

        var run = await RunAsync(source.Id);

        Assert.False(run.Completed);
        Assert.Equal(1, run.ErrorCount);
    }

    [Fact]
    public async Task A_dcat_turtle_source_is_harvested()
    {
        var url = FakeSource.NewBase() + "/catalog.ttl";
        var word = MarketplaceDriver.UniqueId("dcat");
        _sources.Answer(url, "text/turtle", $$"""
            @prefix dcat: <http://www.w3.org/ns/dcat#> .
            @prefix dct: <http://purl.org/dc/terms/> .
            <https://b.example/catalog> a dcat:Catalog ; dcat:dataset <https://b.example/d/1> .
            <https://b.example/d/1> a dcat:Dataset ; dct:identifier "d1" ; dct:title "Parks {{word}}"@en ;
                dcat:distribution [ a dcat:Distribution ; dcat:accessURL <https://b.example/parks.csv> ; dct:license <http://spdx.org/licenses/CC0-1.0> ] .
            """);
        var source = await RegisterAsync("dcat", url);

        var run = await RunAsync(source.Id);

        Assert.Equal(1, run.Created);
        var item = (await SearchAsync(word)).GetProperty("items")[0];
        Assert.Equal("CC0-1.0", item.GetProperty("licence").GetString());
        Assert.Equal("https://b.example/d/1", item.GetProperty("origin").GetProperty("sourceLink").GetString());
    }

    [Fact]
    public async Task Nobody_edits_a_harvested_listing_locally_not_even_the_operator()
    {
        var api = FakeSource.NewBase() + "/api/3/action";
        _sources.Ckan(api, [Package("x", "Locked listing")]);
        var source = await RegisterAsync("ckan", api);
        await RunAsync(source.Id);
        var offeringId = Domain.Harvest.HarvestMapping.OfferingId(source.Id, "x");

        var delist = await fixture.Driver.Operator.PostAsync($"/api/v1/offerings/{offeringId}/delist", null);

        var problem = await MarketplaceDriver.Problem(delist, HttpStatusCode.Conflict);
        Assert.Equal("offering.harvested", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Deleting_a_source_withdraws_its_listings()
    {
        var api = FakeSource.NewBase() + "/api/3/action";
        var word = MarketplaceDriver.UniqueId("gone");
        _sources.Ckan(api, [Package("g", $"Gone {word}")]);
        var source = await RegisterAsync("ckan", api);
        await RunAsync(source.Id);

        var deleted = await fixture.Driver.Operator.DeleteAsync($"/api/v1/harvest-sources/{source.Id}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(0, (await SearchAsync(word)).GetProperty("total").GetInt32());
        await MarketplaceDriver.Problem(await fixture.Driver.Operator.GetAsync($"/api/v1/harvest-sources/{source.Id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_hourly_source_is_a_hangfire_recurring_job_that_harvests_it_until_the_source_is_deleted()
    {
        var api = FakeSource.NewBase() + "/api/3/action";
        var word = MarketplaceDriver.UniqueId("hourly");
        _sources.Ckan(api, [Package("h1", $"Hourly A {word}"), Package("h2", $"Hourly B {word}")]);
        var source = await MarketplaceDriver.Ok<HarvestSourceResponse>(await fixture.Driver.Operator.PostAsJsonAsync("/api/v1/harvest-sources",
            new { name = "City B", kind = "ckan", url = api, schedule = "hourly" }), HttpStatusCode.Created);
        var storage = fixture.Factory.Services.GetRequiredService<Hangfire.JobStorage>();

        var job = Assert.Single(RecurringJobs(storage), j => j.Id == HarvestJobs.JobId(source.Id));
        // What Hangfire runs on the hour: the job as stored, with the source id it was stored with.
        await fixture.Factory.Services.GetRequiredService<HarvestJobs>().HarvestAsync((string)job.Job.Args[0], CancellationToken.None);
        var harvested = await MarketplaceDriver.Ok<HarvestSourceResponse>(
            await fixture.Driver.Operator.GetAsync($"/api/v1/harvest-sources/{source.Id}"), HttpStatusCode.OK);
        var listed = (await SearchAsync(word)).GetProperty("total").GetInt32();
        Assert.Equal(HttpStatusCode.NoContent, (await fixture.Driver.Operator.DeleteAsync($"/api/v1/harvest-sources/{source.Id}")).StatusCode);

        Assert.Matches(@"^\d{1,2} \* \* \* \*$", job.Cron);
        Assert.Equal(("Asia/Tokyo", typeof(HarvestJobs), source.Id), (job.TimeZoneId, job.Job.Type, job.Job.Args[0]));
        Assert.Equal((2, 2), (harvested.LastRun!.Created, listed));
        Assert.DoesNotContain(RecurringJobs(storage), j => j.Id == HarvestJobs.JobId(source.Id));
    }

    private static List<Hangfire.Storage.RecurringJobDto> RecurringJobs(Hangfire.JobStorage storage)
    {
        using var connection = storage.GetConnection();
        return Hangfire.Storage.StorageConnectionExtensions.GetRecurringJobs(connection);
    }

    [Theory]
    [InlineData("ftp", "ckan", "ftp://b.example/api")]
    [InlineData("kind", "csw", "https://b.example/csw")]
    [InlineData("relative", "dcat", "/catalog.ttl")]
    public async Task A_source_that_is_not_ckan_or_dcat_over_http_is_refused(string _, string kind, string url)
    {
        var created = await fixture.Driver.Operator.PostAsJsonAsync("/api/v1/harvest-sources", new { name = "Bad", kind, url });

        var problem = await MarketplaceDriver.Problem(created, HttpStatusCode.BadRequest);
        Assert.Equal("harvest.source-invalid", problem.GetProperty("code").GetString());
    }
}
