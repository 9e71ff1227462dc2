namespace Marketplace.Host.Features.Catalog;

/// <summary>The strings of an offering's record preview: <c>PreviewText.resx</c> (English) and <c>PreviewText.ja.resx</c> (Japanese).</summary>
public sealed class PreviewText;
