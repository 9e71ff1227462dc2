namespace Marketplace.Domain;

/// <summary>An ISO 4217 currency with the number of minor-unit digits it is billed in.</summary>
[GenerateSerializer, Immutable, Alias("Marketplace.Currency")]
public sealed record Currency
{
    // The currencies we bill in. Unknown codes are rejected rather than guessed: a wrong
    // minor-unit count would misprice every invoice by a factor of 100.
    private static readonly Dictionary<string, int> MinorDigits = new(StringComparer.Ordinal)
    {
        ["JPY"] = 0, ["KRW"] = 0, ["USD"] = 2, ["EUR"] = 2, ["GBP"] = 2, ["CHF"] = 2,
        ["AUD"] = 2, ["CAD"] = 2, ["SGD"] = 2, ["CNY"] = 2, ["HKD"] = 2, ["TWD"] = 2,
        ["BHD"] = 3, ["KWD"] = 3,
    };

    public static readonly Currency JPY = new("JPY", 0);
    public static readonly Currency USD = new("USD", 2);
    public static readonly Currency EUR = new("EUR", 2);

    private Currency(string code, int minorUnitDigits)
    {
        Code = code;
        MinorUnitDigits = minorUnitDigits;
    }

    [Id(0)] public string Code { get; }
    [Id(1)] public int MinorUnitDigits { get; }

    public static bool TryParse(string? code, out Currency currency)
    {
        var normalized = code?.Trim().ToUpperInvariant() ?? "";
        if (MinorDigits.TryGetValue(normalized, out var digits))
        {
            currency = new Currency(normalized, digits);
            return true;
        }
        currency = JPY;
        return false;
    }

    public static Currency Parse(string code) =>
        TryParse(code, out var currency)
            ? currency
            : throw new DomainException(ErrorCodes.CurrencyUnknown,
                $"'{code}' is not a supported ISO 4217 currency code. Use one of: {string.Join(", ", MinorDigits.Keys)}.");

    public override string ToString() => Code;
}
