using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;

namespace Marketplace.StripeFake;

/// <summary>Parameters as Stripe.net sends them: form-encoded with brackets for nesting (metadata[k]=v, tax_rates[0]=txr_…).</summary>
internal sealed class StripeForm
{
    private readonly Dictionary<string, string> values;

    private StripeForm(Dictionary<string, string> values) => this.values = values;

    public static StripeForm Parse(string encoded)
    {
        var parsed = QueryHelpers.ParseQuery(encoded.StartsWith('?') ? encoded : "?" + encoded);
        return new StripeForm(parsed.ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal));
    }

    public string? Text(string name) => values.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    public string Required(string name) => Text(name) ?? throw FakeStripeError.Invalid($"Missing required param: {name}.", name);

    public long? Integer(string name)
    {
        var text = Text(name);
        if (text is null)
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw FakeStripeError.Invalid($"Invalid integer: {text}", name);
    }

    public decimal? Number(string name)
    {
        var text = Text(name);
        if (text is null)
        {
            return null;
        }

        return decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw FakeStripeError.Invalid($"Invalid decimal: {text}", name);
    }

    public bool? Flag(string name) => Text(name) is { } text ? text == "true" : null;

    public DateTimeOffset? Time(string name) => Integer(name) is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;

    /// metadata[k]=v → {k: v}
    public Dictionary<string, string> Map(string name)
    {
        var prefix = name + "[";
        return values.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal) && p.Key.EndsWith(']'))
            .ToDictionary(p => p.Key[prefix.Length..^1], p => p.Value, StringComparer.Ordinal);
    }

    /// tax_rates[0]=a&tax_rates[1]=b → [a, b]
    public List<string> List(string name) =>
        Map(name).OrderBy(p => int.Parse(p.Key, CultureInfo.InvariantCulture)).Select(p => p.Value).ToList();
}

internal sealed class FakeStripeError : Exception
{
    public FakeStripeError(int status, string type, string? code, string message, string? param = null) : base(message)
    {
        Status = status;
        Type = type;
        Code = code;
        Param = param;
    }

    public FakeStripeError() : this(400, "invalid_request_error", null, "Invalid request.") { }

    public FakeStripeError(string message) : this(400, "invalid_request_error", null, message) { }

    public FakeStripeError(string message, Exception innerException) : base(message, innerException)
    {
        Status = 400;
        Type = "invalid_request_error";
    }

    public int Status { get; }

    public string Type { get; }

    public string? Code { get; }

    public string? Param { get; }

    public static FakeStripeError Invalid(string message, string? param = null, string? code = null) =>
        new(400, "invalid_request_error", code ?? (param is null ? null : "parameter_invalid"), message, param);

    public static FakeStripeError Missing(string kind, string id) =>
        new(404, "invalid_request_error", "resource_missing", $"No such {kind}: '{id}'", "id");

    public object Body => new Dictionary<string, object?>
    {
        ["error"] = new Dictionary<string, object?> { ["type"] = Type, ["code"] = Code, ["message"] = Message, ["param"] = Param },
    };
}
