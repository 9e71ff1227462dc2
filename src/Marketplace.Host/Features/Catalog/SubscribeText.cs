namespace Marketplace.Host.Features.Catalog;

/// <summary>The strings of subscribing from an offering's page (<c>SubscribeText.resx</c>, <c>SubscribeText.ja.resx</c>).</summary>
public sealed class SubscribeText;
