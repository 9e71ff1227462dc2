namespace Marketplace.Host.Features.ProviderConsole;

/// <summary>The strings of the provider console (<c>ProviderText.resx</c>, <c>ProviderText.ja.resx</c>).</summary>
public sealed class ProviderText;
