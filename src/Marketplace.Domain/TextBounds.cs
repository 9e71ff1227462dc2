using System.Globalization;

namespace Marketplace.Domain;

/// <summary>
/// The longest texts and lists a definition may hold: a title fits a heading, a description a page, and no
/// list grows without bound inside the state that is rewritten whenever its owner changes.
/// </summary>
public static class TextBounds
{
    public const int Title = 200;
    public const int Description = 10_000;
    public const int Name = 200;
    public const int Code = 100;
    public const int Keyword = 100;
    public const int Keywords = 50;
    public const int Buyers = 1_000;
    public const int Reason = 1_000;

    /// <summary>A value quoted back in an error message, cut to 64 characters so a hostile input cannot fill the answer.</summary>
    public static string Shorten(string? value) =>
        value is null ? "" : value.Length <= 64 ? value : string.Concat(value.AsSpan(0, 64), "…");

    /// <summary>Refuses <paramref name="value"/> if it is longer than <paramref name="maxLength"/> characters.</summary>
    public static void Check(string? value, int maxLength, string field)
    {
        if (value is { Length: var length } && length > maxLength)
        {
            throw new DomainException(ErrorCodes.TextTooLong, string.Create(CultureInfo.InvariantCulture,
                $"{field} is {length:N0} characters long; at most {maxLength:N0} are allowed."));
        }
    }

    /// <summary>Refuses a list of more than <paramref name="maxCount"/> entries or an entry longer than <paramref name="maxLength"/>.</summary>
    public static void Check(IReadOnlyList<string> values, int maxCount, int maxLength, string field)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count > maxCount)
        {
            throw new DomainException(ErrorCodes.ListTooLong, string.Create(CultureInfo.InvariantCulture,
                $"{field} holds {values.Count:N0} entries; at most {maxCount:N0} are allowed."));
        }
        for (var i = 0; i < values.Count; i++)
        {
            Check(values[i], maxLength, string.Create(CultureInfo.InvariantCulture, $"{field}[{i}]"));
        }
    }
}
