using Marketplace.Domain;

namespace Marketplace.Domain.Tests;

public sealed class MoneyTests
{
    [Fact]
    public void Yen_has_no_minor_unit_and_formats_as_whole_yen()
    {
        var price = Money.Of(1200, "JPY");

        Assert.Equal("JPY 1200", price.ToString());
    }

    [Fact]
    public void Dollars_format_with_two_minor_digits()
    {
        Assert.Equal("USD 12.05", Money.Of(1205, "usd").ToString());
        Assert.Equal("USD -0.50", Money.Of(-50, "USD").ToString());
    }

    [Fact]
    public void Adding_different_currencies_is_refused_with_a_reason()
    {
        var ex = Assert.Throws<DomainException>(() => Money.Of(1, "JPY") + Money.Of(1, "USD"));

        Assert.Equal("money.currency-mismatch", ex.Code);
    }

    [Fact]
    public void Unknown_currency_codes_are_rejected()
    {
        var ex = Assert.Throws<DomainException>(() => Currency.Parse("XYZ"));

        Assert.Contains("ISO 4217", ex.Message, StringComparison.Ordinal);
    }
}
