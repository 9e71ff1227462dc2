namespace Marketplace.Host.Features.ProviderConsole;

/// <summary>The strings of the City OS feed page (<c>NgsiLdText.resx</c>, <c>NgsiLdText.ja.resx</c>).</summary>
public sealed class NgsiLdText;
