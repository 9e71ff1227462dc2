using Marketplace.Grains;
using Marketplace.Host.Operations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Marketplace.Host.Tests.Operations;

/// <summary>"Marketplace:Grains" sets how long idle activations live, globally and per grain type.</summary>
public sealed class GrainCollectionTests
{
    [Fact]
    public async Task The_configured_collection_ages_reach_the_silo()
    {
        await using var host = new MarketplaceFactory(settings: new Dictionary<string, string>
        {
            ["Marketplace:Grains:CollectionAge"] = "00:07:00",
            ["Marketplace:Grains:CollectionAgeByType:usagemeter"] = "02:00:00",
        });

        var options = host.Services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value;

        Assert.Equal(TimeSpan.FromMinutes(7), options.CollectionAge);
        // A configured table replaces the defaults instead of merging with them.
        Assert.Equal(new Dictionary<string, TimeSpan> { [typeof(UsageMeterGrain).FullName!] = TimeSpan.FromHours(2) }, options.ClassSpecificCollectionAge);
        Directory.Delete(host.DataDirectory, recursive: true);
    }

    [Fact]
    public void Without_settings_idle_activations_live_fifteen_minutes_and_usage_meters_an_hour()
    {
        var options = Configure([]);

        Assert.Equal(TimeSpan.FromMinutes(15), options.CollectionAge);
        Assert.Equal(TimeSpan.FromHours(1), options.ClassSpecificCollectionAge[typeof(UsageMeterGrain).FullName!]);
    }

    [Fact]
    public void An_age_for_a_grain_type_that_does_not_exist_stops_the_host_with_the_names_it_knows()
    {
        var refused = Assert.Throws<InvalidOperationException>(() => Configure(new() { ["Marketplace:Grains:CollectionAgeByType:usagemeters"] = "01:00:00" }));

        Assert.Contains("'usagemeters'", refused.Message, StringComparison.Ordinal);
        Assert.EndsWith("usagemeter.", refused.Message, StringComparison.Ordinal);
    }

    private static GrainCollectionOptions Configure(Dictionary<string, string?> settings)
    {
        var silo = new SiloBuilderStub(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        silo.AddMarketplaceGrainCollection(silo.Configuration);
        using var services = silo.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value;
    }

    private sealed class SiloBuilderStub(IConfiguration configuration) : ISiloBuilder
    {
        public IServiceCollection Services { get; } = new ServiceCollection();

        public IConfiguration Configuration { get; } = configuration;
    }
}
