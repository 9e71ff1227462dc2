using System.Text.RegularExpressions;

namespace Marketplace.Domain;

// Source-generated so validation costs no regex construction at run time.
internal static partial class Patterns
{
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{2,63}$", RegexOptions.CultureInvariant)]
    public static partial Regex Slug();

    [GeneratedRegex("^[a-z][a-z0-9-]{1,63}$", RegexOptions.CultureInvariant)]
    public static partial Regex Purpose();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,63}$", RegexOptions.CultureInvariant)]
    public static partial Regex FieldName();

    [GeneratedRegex("^[0-9]{4}-[0-9]{2}$", RegexOptions.CultureInvariant)]
    public static partial Regex PeriodId();
}
