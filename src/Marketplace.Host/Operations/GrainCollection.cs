using System.Reflection;
using Marketplace.Grains;
using Orleans.Configuration;

namespace Marketplace.Host.Operations;

/// <summary>
/// The "Marketplace:Grains" section: how long an idle activation keeps its memory before Orleans deactivates it.
/// The reasoning behind the defaults is in OPERATIONS.md ("Grain collection age").
/// </summary>
public sealed class GrainCollectionSettings
{
    public const string Section = "Marketplace:Grains";

    /// <summary>Idle time after which any activation is collected, unless its grain type has an age of its own.</summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Ages per grain type name (the pinned [GrainType] names, e.g. "usagemeter"); these replace the defaults listed here.</summary>
    public Dictionary<string, TimeSpan> CollectionAgeByType { get; set; } = new(StringComparer.Ordinal)
    {
        // Reactivating a meter reads back every provider-reported event id of the last 35 days: the costliest read
        // in the marketplace. An hour outlasts the usual reporting cadence, so a reporting provider keeps it warm.
        ["usagemeter"] = TimeSpan.FromHours(1),
        // Touched by a billing job, then idle for a month.
        ["meterreport"] = TimeSpan.FromMinutes(5),
        ["reconciliationrun"] = TimeSpan.FromMinutes(5),
    };
}

public static class GrainCollection
{
    /// <summary>Sets <see cref="GrainCollectionOptions"/> from "Marketplace:Grains"; an unknown grain type name stops the host.</summary>
    public static ISiloBuilder AddMarketplaceGrainCollection(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = new GrainCollectionSettings();
        var section = configuration.GetSection(GrainCollectionSettings.Section);
        if (section.GetSection(nameof(GrainCollectionSettings.CollectionAgeByType)).Exists())
        {
            settings.CollectionAgeByType.Clear(); // configured: the configured table, not merged with the defaults
        }
        section.Bind(settings);
        var classes = GrainClassesByTypeName();
        var byClass = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        foreach (var (typeName, age) in settings.CollectionAgeByType)
        {
            if (!classes.TryGetValue(typeName, out var grainClass))
            {
                throw new InvalidOperationException(
                    $"{GrainCollectionSettings.Section}:CollectionAgeByType names '{typeName}', which is no grain type; use one of: {string.Join(", ", classes.Keys.Order(StringComparer.Ordinal))}.");
            }
            byClass[grainClass.FullName!] = age;
        }
        silo.Configure<GrainCollectionOptions>(o =>
        {
            o.CollectionAge = settings.CollectionAge;
            foreach (var (grainClass, age) in byClass)
            {
                // Orleans looks class-specific ages up by the grain class's full name.
                o.ClassSpecificCollectionAge[grainClass] = age;
            }
        });
        return silo;
    }

    /// <summary>The marketplace's grain classes by their pinned [GrainType] name.</summary>
    internal static Dictionary<string, Type> GrainClassesByTypeName() =>
        typeof(UsageMeterGrain).Assembly.GetTypes()
            .Select(t => (Type: t, Name: t.GetCustomAttribute<GrainTypeAttribute>() is null ? null : DeclaredName(t)))
            .Where(t => t.Name is not null)
            .ToDictionary(t => t.Name!, t => t.Type, StringComparer.Ordinal);

    private static string? DeclaredName(Type grainClass) =>
        grainClass.GetCustomAttributesData().First(a => a.AttributeType == typeof(GrainTypeAttribute)).ConstructorArguments[0].Value as string;
}
