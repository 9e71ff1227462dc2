namespace Marketplace.Host.Features.Catalog;

/// <summary>The strings of the link to an offering's ODRL policy: <c>OdrlText.resx</c> (English) and <c>OdrlText.ja.resx</c> (Japanese).</summary>
public sealed class OdrlText;
