using Marketplace.Host.Cluster;
using Microsoft.Extensions.Configuration;

namespace Marketplace.Host.Tests.Cluster;

/// <summary>A cluster that cannot work is refused before anything starts, with what to change.</summary>
public sealed class ClusterSettingsTests
{
    private static ClusterSettings From(params (string Key, string Value)[] settings) =>
        ClusterSettings.From(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build());

    [Fact]
    public void Without_settings_the_host_runs_alone()
    {
        var settings = From();

        Assert.Equal(HostingMode.Single, settings.Mode);
        settings.Validate(cosmosStore: false);
    }

    [Fact]
    public void A_cluster_on_the_embedded_SQLite_store_is_refused_naming_the_store_to_use()
    {
        var settings = From(("Marketplace:Cluster:Mode", "Cluster"), ("Marketplace:Cluster:Redis", "127.0.0.1:6379"));

        var error = Assert.Throws<InvalidOperationException>(() => settings.Validate(cosmosStore: false));

        Assert.Contains("Marketplace:Store=Cosmos", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "Marketplace:Cluster:Redis is empty")]
    [InlineData("127.0.0.1:6379,notanoption=1", "not a Redis connection string")]
    public void A_cluster_without_a_usable_Redis_is_refused(string redis, string message)
    {
        var settings = From(("Marketplace:Cluster:Mode", "Cluster"), ("Marketplace:Cluster:Redis", redis));

        var error = Assert.Throws<InvalidOperationException>(() => settings.Validate(cosmosStore: true));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_advertised_address_that_is_not_an_IP_address_is_refused()
    {
        var settings = From(("Marketplace:Cluster:Mode", "Cluster"), ("Marketplace:Cluster:Redis", "127.0.0.1:6379"),
            ("Marketplace:Cluster:AdvertisedAddress", "host-a.internal"));

        Assert.Contains("is not an IP address", Assert.Throws<InvalidOperationException>(() => settings.Validate(cosmosStore: true)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_complete_cluster_configuration_is_accepted_with_its_identities_and_tuned_failure_detection()
    {
        var settings = From(("Marketplace:Cluster:Mode", "Cluster"), ("Marketplace:Cluster:Redis", "127.0.0.1:6379"),
            ("Marketplace:Cluster:ServiceId", "city"), ("Marketplace:Cluster:ClusterId", "blue"));

        settings.Validate(cosmosStore: true);

        Assert.Equal(("city", "blue", TimeSpan.FromSeconds(1), 2), (settings.ServiceId, settings.ClusterId, settings.ProbeTimeout, settings.MissedProbesLimit));
    }
}
