using System.Text.RegularExpressions;

namespace Marketplace.Host.Features.ProviderConsole;

/// <summary>
/// One line's problem in a rejected upload, as the console lists it next to the form: the line, the field
/// (when the problem is one field's) and what is wrong. Read from the API's own wording ("line 3, field 'lat':
/// …", "line 1: …"), which is part of its documented answer, so the page and the API never disagree.
/// </summary>
public sealed partial record UploadLineError(long? Line, string? Field, string Message)
{
    public static UploadLineError Parse(string error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var match = Pattern().Match(error);
        if (!match.Success)
        {
            return new UploadLineError(null, null, error);
        }
        var line = long.Parse(match.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture);
        var field = match.Groups["field"].Success ? match.Groups["field"].Value : null;
        return new UploadLineError(line, field, match.Groups["message"].Value);
    }

    /// <summary>The resource key of a problem the console can say in the reader's language, or null to show the API's words.</summary>
    public string? KnownProblem => Message switch
    {
        "a value is required" => "Upload.Problem.Required",
        "The upload holds no records." => "Upload.Problem.Empty",
        _ => null,
    };

    [GeneratedRegex(@"^line (?<line>\d{1,19})(, field '(?<field>[^']*)')?: (?<message>.*)$", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
