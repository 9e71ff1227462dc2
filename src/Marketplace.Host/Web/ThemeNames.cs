using Microsoft.Extensions.Localization;

namespace Marketplace.Host.Web;

/// <summary>
/// Themes are codes of the DCAT-AP data theme vocabulary (TRAN, HEAL, …); people read their names. A code
/// outside the vocabulary is shown as it was given.
/// </summary>
public static class ThemeNames
{
    public static string Of(string code, IStringLocalizer<Text> text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var name = text[$"Theme.{code}"];
        return name.ResourceNotFound ? code : name.Value;
    }
}
