using System.Net;
using System.Net.Http.Json;
using System.Text;
using Marketplace.Application.NgsiLd;
using Marketplace.Host.Features.NgsiLd;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Host.Tests.NgsiLd;

/// <summary>The City OS feed end to end on a marketplace (and so a clock) of its own.</summary>
public sealed class NgsiLdFeedTests(MarketplaceFixture fixture) : IClassFixture<MarketplaceFixture>
{
    private readonly MarketplaceDriver driver = fixture.Driver;

    private async Task PublishDueAsync() => await fixture.Factory.Services.GetRequiredService<NgsiLdFeeds>().PublishDueAsync();

    [Fact]
    public async Task Notified_entities_become_a_revision_a_buyer_reads_once_the_interval_closes()
    {
        var (provider, datasetId) = await NgsiLdWorld.AttachedAsync(driver);

        var accepted = await NgsiLdWorld.NotifyAsync(provider.Client, datasetId, NgsiLdWorld.Notification(NgsiLdWorld.NewNotificationId(),
            NgsiLdWorld.Entity("sensor-1", 21.5), NgsiLdWorld.Entity("sensor-2", 30), NgsiLdWorld.Entity("sensor-3", 12.25)));
        var pending = await NgsiLdWorld.StatusAsync(provider, datasetId);
        var beforeClose = await NgsiLdWorld.DatasetAsync(provider, datasetId);
        fixture.Factory.Time.Advance(TimeSpan.FromHours(1));
        await PublishDueAsync();
        var published = await NgsiLdWorld.DatasetAsync(provider, datasetId);
        var records = await NgsiLdWorld.BuyerReadsAsync(driver, provider, datasetId);

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(3, pending.PendingRecords);
        Assert.Empty(beforeClose.Revisions);
        Assert.Equal(3, Assert.Single(published.Revisions).Records);
        Assert.Equal(0, (await NgsiLdWorld.StatusAsync(provider, datasetId)).PendingRecords);
        var first = records.Single(r => r.GetProperty("sensor").GetString() == "urn:ngsi-ld:AirQualityObserved:sensor-1");
        Assert.Equal(21.5, first.GetProperty("no2").GetDouble());
        Assert.Equal(35.6895, first.GetProperty("lat").GetDouble());
        Assert.Equal(139.6917, first.GetProperty("lon").GetDouble());
        Assert.Equal(3, records.Count);
    }

    [Fact]
    public async Task The_first_notification_after_the_interval_closes_publishes_it()
    {
        var (provider, datasetId) = await NgsiLdWorld.AttachedAsync(driver, "PT5M");
        await NgsiLdWorld.NotifyAsync(provider.Client, datasetId, NgsiLdWorld.Notification(NgsiLdWorld.NewNotificationId(), NgsiLdWorld.Entity("s1", 1)));

        fixture.Factory.Time.Advance(TimeSpan.FromMinutes(5));
        var next = await NgsiLdWorld.NotifyAsync(provider.Client, datasetId, NgsiLdWorld.Notification(NgsiLdWorld.NewNotificationId(), NgsiLdWorld.Entity("s2", 2)));

        Assert.Equal(HttpStatusCode.Accepted, next.StatusCode);
        Assert.Equal(1, Assert.Single((await NgsiLdWorld.DatasetAsync(provider, datasetId)).Revisions).Records);
        Assert.Equal(1, (await NgsiLdWorld.StatusAsync(provider, datasetId)).PendingRecords);
    }

    [Fact]
    public async Task A_publication_that_committed_before_a_crash_is_finished_under_its_own_revision_and_never_repeated()
    {
        var (provider, datasetId) = await NgsiLdWorld.AttachedAsync(driver, "PT1M");
        await NgsiLdWorld.NotifyAsync(provider.Client, datasetId, NgsiLdWorld.Notification(NgsiLdWorld.NewNotificationId(), NgsiLdWorld.Entity("s1", 1), NgsiLdWorld.Entity("s2", 2)));
        // What a crash between committing the interval's records and publishing the revision leaves behind.
        var buffer = fixture.Factory.Services.GetRequiredService<INgsiLdBuffer>();
        var interval = Assert.Single(await buffer.PendingAsync(datasetId));
        var revisionId = Marketplace.Domain.Identifiers.NewId("rev");
        await buffer.BeginAttemptAsync(datasetId, interval.Start, revisionId);
        await using (var writer = await fixture.Factory.Services.GetRequiredService<Marketplace.Storage.IRecordStore>().BeginRevisionAsync(datasetId, revisionId))
        {
            await writer.AppendAsync([new(1, null, "{\"sensor\":\"s1\"}"), new(2, null, "{\"sensor\":\"s2\"}")]);
            await writer.CommitAsync();
        }

        fixture.Factory.Time.Advance(TimeSpan.FromMinutes(1));
        await PublishDueAsync();
        await PublishDueAsync();

        var revision = Assert.Single((await NgsiLdWorld.DatasetAsync(provider, datasetId)).Revisions);
        Assert.Equal((revisionId, 2L), (revision.RevisionId, revision.Records));
    }

    [Fact]
    public async Task A_replayed_notification_is_not_appended_twice()
    {
        var (provider, datasetId) = await NgsiLdWorld.AttachedAsync(driver);
        var notification = NgsiLdWorld.Notification(NgsiLdWorld.NewNotificationId(), NgsiLdWorld.Entity("s1", 1), NgsiLdWorld.Entity("s2", 2));

        await NgsiLdWorld.NotifyAsync(provider.Client, datasetId, notification);
        var replay = await MarketplaceDriver.Ok<NgsiLdNotifyResponse>(await NgsiLdWorld.NotifyAsync(provider.Client, datasetId, notification), HttpStatusCode.Accepted);

        Assert.True(replay.Replayed);
        Assert.Equal(2, (await NgsiLdWorld.StatusAsync(provider, datasetId)).PendingRecords);
    }

    [Fact]
    public async Task A_replay_after_the_interval_was_published_adds_nothing()
    {
        var (provider, datasetId) = await NgsiLdWorld.AttachedAsync(driver, "PT1M");
        var notification = NgsiLdWorld.Notification(NgsiLdWorld.NewNotificationId(), NgsiLdWorld.Entity("s1", 1));
        await NgsiLdWorld.NotifyAsync(provider.Client, datasetId, notification);
        fixture.Factory.Time.Advance(TimeSpan.FromMinutes(1));
        await PublishDueAsync();

        var replay = await MarketplaceDriver.Ok<NgsiLdNotifyResponse>(await NgsiLdWorld.NotifyAsync(provider.Client, datasetId, notification), HttpStatusCode.Accepted);

        Assert.True(replay.Replayed);
        Assert.Equal(0, (await NgsiLdWorld.StatusAsync(provider, datasetId)).PendingRecords);
    }

    [Fact]
    public async Task An_attribute_that_does_not_fit_its_field_answers_422_naming_the_entity_and_the_attribute()
    {
        var (provider, datasetId) = await NgsiLdWorld.AttachedAsync(driver);
        var relationship = """
            { "id": "urn:ngsi-ld:AirQualityObserved:sensor-7", "type": "AirQualityObserved",
              "dateObserved": { "type": "Property", "value": "2026-11-10T00:05:00Z" },
              "no2": { "type": "Relationship", "object": "urn:ngsi-ld:Device:no2-7" } }
            """;

        var problem = await MarketplaceDriver.Problem(await NgsiLdWorld.NotifyAsync(provider.Client, datasetId,
            NgsiLdWorld.Notification(NgsiLdWorld.NewNotificationId(), NgsiLdWorld.Entity("s1", 1), relationship)), HttpStatusCode.UnprocessableEntity);

        Assert.Equal("ngsi-ld.entity-invalid", problem.GetProperty("code").GetString());
        Assert.Contains("entity urn:ngsi-ld:AirQualityObserved:sensor-7: attribute 'no2' is a Relationship, but field 'no2' is a number",
            problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await NgsiLdWorld.StatusAsync(provider, datasetId)).PendingRecords);
    }

    [Theory]
    [InlineData("""{ "type": "Notification", "data": [] }""", "application/json")]
    [InlineData("""{ "id": "urn:n:1", "type": "Subscription", "data": [] }""", "application/json")]
    [InlineData("""{ "id": "urn:n:1", "type": "Notification", "data": {} }""", "application/json")]
    [InlineData("""{ "id": "urn:n:1", "type": "Notification", "data": [] }""", "application/ld+json")]
    [InlineData("""{ "id": "urn:n:1", "type": "Notification", "notifiedAt": "yesterday", "data": [] }""", "application/json")]
    [InlineData("""{ "id": "urn:n:1", """, "application/json")]
    public async Task A_malformed_notification_answers_400(string body, string contentType)
    {
        var (provider, datasetId) = await NgsiLdWorld.AttachedAsync(driver);

        var problem = await MarketplaceDriver.Problem(await NgsiLdWorld.NotifyAsync(provider.Client, datasetId, body, contentType), HttpStatusCode.BadRequest);

        Assert.Equal("ngsi-ld.notification-invalid", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Linked_data_with_its_context_and_expanded_core_terms_is_accepted()
    {
        var (provider, datasetId) = await NgsiLdWorld.AttachedAsync(driver);
        var body = $$"""
            { "@context": "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld",
              "@id": "{{NgsiLdWorld.NewNotificationId()}}", "@type": "https://uri.etsi.org/ngsi-ld/Notification",
              "https://uri.etsi.org/ngsi-ld/data": [ { "id": "urn:ngsi-ld:AirQualityObserved:x", "type": "AirQualityObserved",
                "dateObserved": { "type": "Property", "https://uri.etsi.org/ngsi-ld/hasValue": "2026-11-10T00:05:00Z" } } ] }
            """;

        var accepted = await MarketplaceDriver.Ok<NgsiLdNotifyResponse>(await NgsiLdWorld.NotifyAsync(provider.Client, datasetId, body, "application/ld+json"), HttpStatusCode.Accepted);

        Assert.Equal(1, accepted.Records);
    }

    [Fact]
    public async Task Another_content_type_answers_415()
    {
        var (provider, datasetId) = await NgsiLdWorld.AttachedAsync(driver);

        var response = await NgsiLdWorld.NotifyAsync(provider.Client, datasetId, "id,type", "text/csv");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_body_over_the_limit_answers_413_and_keeps_nothing()
    {
        var (provider, datasetId) = await NgsiLdWorld.AttachedAsync(driver);
        var limit = fixture.Factory.Services.GetRequiredService<NgsiLdLimits>().MaxBodyBytes;
        var entities = Enumerable.Range(0, limit / 500).Select(i => NgsiLdWorld.Entity($"s{i}", i)).ToArray();

        var problem = await MarketplaceDriver.Problem(await NgsiLdWorld.NotifyAsync(provider.Client, datasetId,
            NgsiLdWorld.Notification(NgsiLdWorld.NewNotificationId(), entities)), HttpStatusCode.RequestEntityTooLarge);

        Assert.Equal("ngsi-ld.too-large", problem.GetProperty("code").GetString());
        Assert.Equal(0, (await NgsiLdWorld.StatusAsync(provider, datasetId)).PendingRecords);
    }

    [Fact]
    public async Task Another_providers_dataset_answers_404_on_every_feed_endpoint()
    {
        var (_, datasetId) = await NgsiLdWorld.AttachedAsync(driver);
        var other = await driver.CreatePartyAsync("provider");

        var notify = await NgsiLdWorld.NotifyAsync(other.Client, datasetId, NgsiLdWorld.Notification(NgsiLdWorld.NewNotificationId(), NgsiLdWorld.Entity("s1", 1)));
        var attach = await other.Client.PutAsJsonAsync($"/api/v1/datasets/{datasetId}/ngsi-ld", NgsiLdWorld.Feed());
        var status = await other.Client.GetAsync($"/api/v1/datasets/{datasetId}/ngsi-ld");

        Assert.Equal("dataset.not-found", (await MarketplaceDriver.Problem(notify, HttpStatusCode.NotFound)).GetProperty("code").GetString());
        await MarketplaceDriver.Problem(attach, HttpStatusCode.NotFound);
        await MarketplaceDriver.Problem(status, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_buyers_key_is_403_and_a_wrong_key_401()
    {
        var (_, datasetId) = await NgsiLdWorld.AttachedAsync(driver);
        var buyer = await driver.CreatePartyAsync("buyer");
        var body = NgsiLdWorld.Notification(NgsiLdWorld.NewNotificationId(), NgsiLdWorld.Entity("s1", 1));

        var asBuyer = await NgsiLdWorld.NotifyAsync(buyer.Client, datasetId, body);
        var wrongKey = await NgsiLdWorld.NotifyAsync(fixture.Factory.ClientWithKey("mk_nosuchkey_0000000000000000"), datasetId, body);

        Assert.Equal(HttpStatusCode.Forbidden, asBuyer.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
    }

    [Fact]
    public async Task A_mapping_that_does_not_fit_the_schema_answers_400_naming_the_field()
    {
        var provider = await driver.CreatePartyAsync("provider");
        var datasetId = MarketplaceDriver.UniqueId("air");
        await driver.CreateDatasetAsync(provider, NgsiLdWorld.AirQualityDataset(datasetId));
        var feed = new { entityTypes = new[] { "AirQualityObserved" }, mapping = new[] { new { attribute = "id", field = "temperature" } }, interval = "PT1H" };

        var problem = await MarketplaceDriver.Problem(await provider.Client.PutAsJsonAsync($"/api/v1/datasets/{datasetId}/ngsi-ld", feed), HttpStatusCode.BadRequest);

        Assert.Equal("ngsi-ld.feed-invalid", problem.GetProperty("code").GetString());
        Assert.Contains("field 'temperature' is a number", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_detached_dataset_refuses_notifications_and_still_publishes_what_it_accepted()
    {
        var (provider, datasetId) = await NgsiLdWorld.AttachedAsync(driver, "PT1M");
        await NgsiLdWorld.NotifyAsync(provider.Client, datasetId, NgsiLdWorld.Notification(NgsiLdWorld.NewNotificationId(), NgsiLdWorld.Entity("s1", 1)));

        var detached = await MarketplaceDriver.Ok<NgsiLdFeedResponse>(await provider.Client.DeleteAsync($"/api/v1/datasets/{datasetId}/ngsi-ld"), HttpStatusCode.OK);
        var refused = await NgsiLdWorld.NotifyAsync(provider.Client, datasetId, NgsiLdWorld.Notification(NgsiLdWorld.NewNotificationId(), NgsiLdWorld.Entity("s2", 2)));
        fixture.Factory.Time.Advance(TimeSpan.FromMinutes(1));
        await PublishDueAsync();

        Assert.False(detached.Attached);
        Assert.Equal("ngsi-ld.feed-not-attached", (await MarketplaceDriver.Problem(refused, HttpStatusCode.Conflict)).GetProperty("code").GetString());
        Assert.Equal(1, Assert.Single((await NgsiLdWorld.DatasetAsync(provider, datasetId)).Revisions).Records);
    }

    [Fact]
    public async Task The_readmes_notification_is_accepted_as_written()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(HostProcess.FindRepositoryRoot(AppContext.BaseDirectory), "README.md"));
        var section = readme[readme.IndexOf("#### City OS feed (NGSI-LD)", StringComparison.Ordinal)..];
        var start = section.IndexOf("-d '", StringComparison.Ordinal) + 4;
        var body = section[start..section.IndexOf("'\n```", start, StringComparison.Ordinal)];
        var (provider, datasetId) = await NgsiLdWorld.AttachedAsync(driver);

        var accepted = await MarketplaceDriver.Ok<NgsiLdNotifyResponse>(await NgsiLdWorld.NotifyAsync(provider.Client, datasetId, body), HttpStatusCode.Accepted);

        Assert.Equal(1, accepted.Records);
    }

    [Fact]
    public async Task The_core_context_is_served_locally_and_defines_the_core_terms()
    {
        var response = await fixture.Factory.CreateClient().GetAsync(NgsiLdEndpoints.CoreContextPath);
        var terms = fixture.Factory.Services.GetRequiredService<Marketplace.Domain.NgsiLd.NgsiLdTerms>();

        Assert.Equal("application/ld+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"notifiedAt\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("observedAt", terms.Compact("https://uri.etsi.org/ngsi-ld/observedAt"));
        Assert.Equal("value", terms.Compact("https://uri.etsi.org/ngsi-ld/hasValue"));
        Assert.Equal("GeoProperty", terms.Compact("ngsi-ld:GeoProperty"));
    }
}

/// <summary>What a feed accepted survives the host: a new host on the same data directory publishes it.</summary>
public sealed class NgsiLdRestartTests
{
    [Fact]
    public async Task Past_the_configured_bounds_a_notification_answers_413_or_422_and_keeps_nothing()
    {
        await using var host = new MarketplaceFactory(settings: new Dictionary<string, string>
        {
            ["Marketplace:NgsiLd:MaxEntitiesPerNotification"] = "2",
            ["Marketplace:NgsiLd:MaxPendingRecordsPerInterval"] = "3",
        });
        var (provider, datasetId) = await NgsiLdWorld.AttachedAsync(new MarketplaceDriver(host));
        await NgsiLdWorld.NotifyAsync(provider.Client, datasetId, NgsiLdWorld.Notification(NgsiLdWorld.NewNotificationId(), NgsiLdWorld.Entity("s1", 1), NgsiLdWorld.Entity("s2", 2)));

        var tooMany = await NgsiLdWorld.NotifyAsync(provider.Client, datasetId,
            NgsiLdWorld.Notification(NgsiLdWorld.NewNotificationId(), NgsiLdWorld.Entity("s3", 3), NgsiLdWorld.Entity("s4", 4), NgsiLdWorld.Entity("s5", 5)));
        var full = await NgsiLdWorld.NotifyAsync(provider.Client, datasetId,
            NgsiLdWorld.Notification(NgsiLdWorld.NewNotificationId(), NgsiLdWorld.Entity("s3", 3), NgsiLdWorld.Entity("s4", 4)));

        Assert.Equal("ngsi-ld.too-large", (await MarketplaceDriver.Problem(tooMany, HttpStatusCode.RequestEntityTooLarge)).GetProperty("code").GetString());
        Assert.Equal("ngsi-ld.interval-full", (await MarketplaceDriver.Problem(full, HttpStatusCode.UnprocessableEntity)).GetProperty("code").GetString());
        Assert.Equal(2, (await NgsiLdWorld.StatusAsync(provider, datasetId)).PendingRecords);
        Directory.Delete(host.DataDirectory, recursive: true);
    }

    [Fact]
    public async Task A_new_host_on_the_same_data_directory_loses_no_accepted_notification()
    {
        string dataDirectory;
        Party provider;
        string datasetId;
        var notification = NgsiLdWorld.Notification(NgsiLdWorld.NewNotificationId(), NgsiLdWorld.Entity("s1", 1), NgsiLdWorld.Entity("s2", 2));
        await using (var first = new MarketplaceFactory())
        {
            dataDirectory = first.DataDirectory;
            (provider, datasetId) = await NgsiLdWorld.AttachedAsync(new MarketplaceDriver(first));
            Assert.Equal(HttpStatusCode.Accepted, (await NgsiLdWorld.NotifyAsync(provider.Client, datasetId, notification)).StatusCode);
            // What a kill during the next notification would leave: part of its records, no log line.
            var records = Directory.GetFiles(Path.Combine(dataDirectory, "ngsi-ld", datasetId), "*.records").Single();
            await File.AppendAllTextAsync(records, "{\"sensor\":\"torn\",", Encoding.UTF8);
        }

        await using var second = new MarketplaceFactory(dataDirectory);
        var again = provider with { Client = second.ClientWithKey(provider.Key) };
        var pending = await NgsiLdWorld.StatusAsync(again, datasetId);
        var replay = await MarketplaceDriver.Ok<NgsiLdNotifyResponse>(await NgsiLdWorld.NotifyAsync(again.Client, datasetId, notification), HttpStatusCode.Accepted);
        second.Time.Advance(TimeSpan.FromHours(1));
        await second.Services.GetRequiredService<NgsiLdFeeds>().PublishDueAsync();

        Assert.Equal(2, pending.PendingRecords);
        Assert.True(replay.Replayed);
        Assert.Equal(2, Assert.Single((await NgsiLdWorld.DatasetAsync(again, datasetId)).Revisions).Records);
        Directory.Delete(dataDirectory, recursive: true);
    }
}
