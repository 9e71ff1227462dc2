using Marketplace.Application.Usage;

namespace Marketplace.Host.Tests;

/// <summary>The provider console's earnings per offering: contract statements added up per offering, unit and currency.</summary>
public sealed class OfferingEarningsTests
{
    private static ContractUsageResponse Statement(string offering, string unit, long units, long charge, string currency = "JPY") =>
        new($"ctr-{Guid.NewGuid():N}"[..16], offering, "buyer-a", "provider-a", unit, units, units, units, new MoneyWire(charge, currency, ""));

    [Fact]
    public void Contracts_of_one_offering_are_added_up()
    {
        var earnings = OfferingEarnings.Of([Statement("off-a", "record", 3, 6), Statement("off-a", "record", 5, 10), Statement("off-b", "record", 1, 2)]);

        Assert.Equal([new OfferingEarnings("off-a", "record", "JPY", 2, 8, 8, 16), new OfferingEarnings("off-b", "record", "JPY", 1, 1, 1, 2)], earnings);
    }

    [Fact]
    public void Contracts_signed_on_another_unit_are_not_added_to_each_other()
    {
        var earnings = OfferingEarnings.Of([Statement("off-a", "record", 3, 6), Statement("off-a", "request", 2, 100)]);

        Assert.Equal(2, earnings.Count);
    }

    [Fact]
    public void A_sum_beyond_what_can_be_counted_is_an_error_not_a_wrapped_number()
    {
        Assert.Throws<OverflowException>(() => OfferingEarnings.Of([Statement("off-a", "record", 1, long.MaxValue), Statement("off-a", "record", 1, 1)]));
    }
}
