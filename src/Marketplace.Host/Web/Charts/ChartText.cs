namespace Marketplace.Host.Web.Charts;

/// <summary>The charts' own strings: <c>ChartText.resx</c> (English) and <c>ChartText.ja.resx</c> (Japanese).</summary>
public sealed class ChartText;
