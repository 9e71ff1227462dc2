using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Serialization;

namespace Marketplace.Domain.Tests;

/// <summary>Rules every type crossing a grain call must follow, checked across the whole assembly.</summary>
public sealed class SerializationTests
{
    private static readonly Serializer Serializer = new ServiceCollection()
        .AddSerializer(builder => builder.AddAssembly(typeof(PricingPlan).Assembly))
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();

    public static TheoryData<string> WireTypes()
    {
        var data = new TheoryData<string>();
        foreach (var type in typeof(PricingPlan).Assembly.GetExportedTypes().Where(t => t.Namespace == "Marketplace.Domain" && !(t.IsAbstract && t.IsSealed)))
        {
            data.Add(type.Name);
        }
        return data;
    }

    private static Type Find(string name) => typeof(PricingPlan).Assembly.GetExportedTypes().Single(t => t.Namespace == "Marketplace.Domain" && t.Name == name);

    [Theory]
    [MemberData(nameof(WireTypes))]
    public void Every_public_type_is_serializable_under_a_stable_alias(string name)
    {
        var type = Find(name);

        Assert.NotNull(type.GetCustomAttribute<GenerateSerializerAttribute>());
        Assert.Equal($"Marketplace.{name}", type.GetCustomAttribute<AliasAttribute>()?.Alias);
    }

    [Theory]
    [MemberData(nameof(WireTypes))]
    public void Records_are_immutable_and_nothing_else_is(string name)
    {
        var type = Find(name);
        var isRecord = type.GetMethod("<Clone>$") is not null;

        Assert.Equal(isRecord, type.GetCustomAttribute<ImmutableAttribute>() is not null);
    }

    public static TheoryData<object> Samples() => new()
    {
        PricingPlan.Tiered(Currency.JPY, UsageUnit.MiB, 10, [new PriceTier(100, 2), new PriceTier(null, 1)]),
        PricingPlan.PerUnit(Money.Of(1, "USD"), UsageUnit.Record, 10),
        new UsagePolicy(["research", "health"], DateTimeOffset.UnixEpoch, 30, 1000, true),
        PolicyDecision.Deny(PolicyDenial.QuotaExceeded, "Used up."),
        new AccessRequest("research", DateTimeOffset.UnixEpoch, null, 5, 10, BillingPeriod.Parse("2026-11", BillingPeriod.DefaultZone), UsageUnit.MiB),
        BillingPeriod.Parse("2026-03", TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin")),
        Schemas.Residents,
        new ParsedRecord(3, null, null, ["line 3: broken"]),
        ContractStatus.Suspended,
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void Values_survive_an_orleans_round_trip(object value)
    {
        var copy = Serializer.Deserialize<object>(Serializer.SerializeToArray(value));

        Assert.Equal(value, copy);
    }
}
