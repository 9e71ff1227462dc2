using System.Reflection;
using Orleans.Metadata;
using Orleans.TestingHost;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Grains.Tests;

/// <summary>
/// A grain's type name is half of every grain id, and the stores key grain state by grain id: a grain type whose
/// name changes reads none of the state stored under the old name. The names are pinned here, one per grain class.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class GrainTypeNameTests(ClusterFixture fixture)
{
    /// <summary>The names Orleans 10.4.2 derived from the class names before they were pinned with [GrainType].</summary>
    private static readonly Dictionary<string, string> Pinned = new(StringComparer.Ordinal)
    {
        [nameof(ApiKeyGrain)] = "apikey",
        [nameof(BillingPeriodsGrain)] = "billingperiods",
        [nameof(ConsentNoticeGrain)] = "consentnotice",
        [nameof(ContractGrain)] = "contract",
        [nameof(DataSubjectGrain)] = "datasubject",
        [nameof(DatasetGrain)] = "dataset",
        [nameof(DownloadCounterGrain)] = "downloadcounter",
        [nameof(HarvestSourceGrain)] = "harvestsource",
        [nameof(HarvestSourceListGrain)] = "harvestsources",
        [nameof(InformationBankGrain)] = "informationbank",
        [nameof(InvoiceGrain)] = "invoice",
        [nameof(MeterReportGrain)] = "meterreport",
        [nameof(OfferingGrain)] = "offering",
        [nameof(PartnerDirectoryGrain)] = "partnerdirectory",
        [nameof(PartnerGrain)] = "partner",
        [nameof(PartyGrain)] = "party",
        [nameof(PaymentLinkGrain)] = "paymentlink",
        [nameof(PersonGrain)] = "person",
        [nameof(ReconciliationRunGrain)] = "reconciliationrun",
        [nameof(ReconciliationRunsGrain)] = "reconciliationruns",
        [nameof(RelayGrain)] = "relay",
        [nameof(SubscriptionKeyGrain)] = "subscriptionkey",
        [nameof(UsageMeterGrain)] = "usagemeter",
    };

    /// <summary>
    /// Grain observers have no grain class and no state, but their interface type travels in every call to them:
    /// a silo of another version must name it the same. Pinned per observer interface.
    /// </summary>
    private static readonly Dictionary<Type, string> PinnedObservers = new()
    {
        [typeof(IAccessLeaseObserver)] = "Marketplace.IAccessLeaseObserver",
    };

    [Fact]
    public void Every_grain_observer_interface_resolves_in_a_running_silo_to_its_pinned_name()
    {
        var resolver = ((InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost.Services.GetRequiredService<GrainInterfaceTypeResolver>();
        var observers = typeof(IAccessLeaseObserver).Assembly.GetTypes().Where(t => t.IsInterface && typeof(IGrainObserver).IsAssignableFrom(t));

        var resolved = observers.ToDictionary(t => t, t => resolver.GetGrainInterfaceType(t).ToString());

        Assert.Equal(PinnedObservers.OrderBy(p => p.Key.Name), resolved.OrderBy(p => p.Key.Name));
    }

    private static IEnumerable<Type> GrainClasses() =>
        typeof(UsageMeterGrain).Assembly.GetTypes().Where(t => t.IsClass && !t.IsAbstract && typeof(Grain).IsAssignableFrom(t));

    [Fact]
    public void Every_grain_class_carries_its_pinned_GrainType_name()
    {
        var declared = GrainClasses().ToDictionary(t => t.Name, DeclaredName);

        var differences = declared.Keys.Union(Pinned.Keys)
            .Where(c => declared.GetValueOrDefault(c) != Pinned.GetValueOrDefault(c))
            .Select(c => $"{c}: pinned '{Pinned.GetValueOrDefault(c) ?? "(none)"}', declared '{declared.GetValueOrDefault(c) ?? "(no [GrainType])"}'")
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(differences.Count == 0,
            "Grain state is stored under '<grain type>/<key>': a grain class without its pinned [GrainType] name would orphan " +
            "every state stored under the old name. Keep the name (a new grain class adds its own line to the pinned table):\n" +
            string.Join("\n", differences));
    }

    private static string? DeclaredName(Type grainClass) =>
        grainClass.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType == typeof(GrainTypeAttribute))?.ConstructorArguments[0].Value as string;

    [Fact]
    public void Every_grain_class_resolves_in_a_running_silo_to_its_pinned_name()
    {
        var resolver = ((InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost.Services.GetRequiredService<GrainTypeResolver>();

        var resolved = GrainClasses().ToDictionary(t => t.Name, t => resolver.GetGrainType(t).ToString());

        Assert.Equal(Pinned.OrderBy(p => p.Key), resolved.OrderBy(p => p.Key));
    }
}
