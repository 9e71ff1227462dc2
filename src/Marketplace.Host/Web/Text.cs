namespace Marketplace.Host.Web;

/// <summary>
/// The UI's strings: <c>Text.resx</c> (English, the neutral fallback) and <c>Text.ja.resx</c> (Japanese, the
/// default culture of the pages). Components read them through <c>IStringLocalizer&lt;Text&gt;</c>.
/// </summary>
public sealed class Text;
