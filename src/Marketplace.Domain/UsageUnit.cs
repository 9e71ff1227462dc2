using System.Globalization;

namespace Marketplace.Domain;

/// <summary>What a meter counts. <see cref="MiB"/> meters count bytes and bill whole mebibytes.</summary>
[GenerateSerializer, Alias("Marketplace.UsageUnit")]
public enum UsageUnit
{
    Record,
    Request,
    MiB,
}

internal static class UsageUnitText
{
    /// <summary>"1 record", "10 records", "5 MiB".</summary>
    public static string Count(long count, UsageUnit unit) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {Noun(unit, plural: count != 1)}");

    public static string Noun(UsageUnit unit, bool plural) => unit switch
    {
        UsageUnit.Record => plural ? "records" : "record",
        UsageUnit.Request => plural ? "requests" : "request",
        UsageUnit.MiB => "MiB",
        _ => plural ? "units" : "unit",
    };
}
