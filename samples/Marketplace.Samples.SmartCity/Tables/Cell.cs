using System.Globalization;

namespace Marketplace.Samples.SmartCity.Tables;

/// <summary>The one text form of a cell value, shared by CSV and JSON Lines so both say the same thing.</summary>
public static class Cell
{
    public static string Text(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
        double x => x.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => throw new ArgumentException($"No text form for a cell of type {value.GetType().Name}.", nameof(value)),
    };
}
