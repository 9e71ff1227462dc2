using System.Globalization;

namespace Marketplace.Domain;

/// <summary>An amount in integer minor units (¥1 = 1, $1.00 = 100) of one currency. Never floating point.</summary>
[GenerateSerializer, Immutable, Alias("Marketplace.Money")]
public sealed record Money([property: Id(0)] long MinorUnits, [property: Id(1)] Currency Currency)
{
    public static Money Zero(Currency currency) => new(0, currency);

    public static Money Of(long minorUnits, string currencyCode) => new(minorUnits, Currency.Parse(currencyCode));

    public bool IsNegative => MinorUnits < 0;

    public static Money operator +(Money left, Money right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        left.EnsureSameCurrency(right);
        return new Money(checked(left.MinorUnits + right.MinorUnits), left.Currency);
    }

    public Money Add(Money other) => this + other;

    public void EnsureSameCurrency(Money other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Currency != Currency)
        {
            throw new DomainException(ErrorCodes.MoneyCurrencyMismatch,
                $"Cannot combine {Currency.Code} and {other.Currency.Code}; every price in a plan must use one currency.");
        }
    }

    /// <summary>Formats in major units, e.g. "JPY 1200" or "USD 12.34".</summary>
    public override string ToString()
    {
        if (Currency.MinorUnitDigits == 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{Currency.Code} {MinorUnits}");
        }
        var scale = (long)Math.Pow(10, Currency.MinorUnitDigits);
        var sign = MinorUnits < 0 ? "-" : "";
        var abs = Math.Abs(MinorUnits);
        var fraction = (abs % scale).ToString(CultureInfo.InvariantCulture).PadLeft(Currency.MinorUnitDigits, '0');
        return string.Create(CultureInfo.InvariantCulture, $"{Currency.Code} {sign}{abs / scale}.{fraction}");
    }
}
