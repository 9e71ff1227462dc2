namespace Marketplace.Host.Features.Ckan;

/// <summary>
/// The licences CKAN names with a title and a URL (CKAN's licence register gives package_show its license_title and
/// license_url): the open licences a city publishes under. An id not here keeps itself as its title and has no URL,
/// as CKAN answers an id outside its register. Ids match ignoring case.
/// </summary>
public static class CkanLicences
{
    private static readonly Dictionary<string, (string Title, string Url)> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["CC-BY-4.0"] = ("Creative Commons Attribution 4.0 International", "https://creativecommons.org/licenses/by/4.0/"),
        ["CC-BY-SA-4.0"] = ("Creative Commons Attribution-ShareAlike 4.0 International", "https://creativecommons.org/licenses/by-sa/4.0/"),
        ["CC0-1.0"] = ("Creative Commons Zero v1.0 Universal", "https://creativecommons.org/publicdomain/zero/1.0/"),
        ["ODC-BY"] = ("Open Data Commons Attribution License", "https://opendatacommons.org/licenses/by/"),
        ["ODC-BY-1.0"] = ("Open Data Commons Attribution License 1.0", "https://opendatacommons.org/licenses/by/1-0/"),
        ["PDDL"] = ("Open Data Commons Public Domain Dedication and License", "https://opendatacommons.org/licenses/pddl/"),
        ["ODC-PDDL"] = ("Open Data Commons Public Domain Dedication and License", "https://opendatacommons.org/licenses/pddl/"),
        ["PDDL-1.0"] = ("Open Data Commons Public Domain Dedication and License 1.0", "https://opendatacommons.org/licenses/pddl/1-0/"),
        ["PDL-1.0"] = ("公共データ利用規約 (第1.0版) / Public Data License (Version 1.0)", "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0"),
        ["PDL"] = ("公共データ利用規約 (第1.0版) / Public Data License (Version 1.0)", "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0"),
    };

    /// <summary>The licence's title; an unknown id is its own title.</summary>
    public static string Title(string licenceId) =>
        Known.TryGetValue(licenceId?.Trim() ?? "", out var licence) ? licence.Title : licenceId ?? "";

    /// <summary>The licence's text, or null for an id not in the table (package_show then has no license_url).</summary>
    public static string? Url(string licenceId) => Known.TryGetValue(licenceId?.Trim() ?? "", out var licence) ? licence.Url : null;
}
