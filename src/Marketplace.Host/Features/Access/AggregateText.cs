namespace Marketplace.Host.Features.Access;

/// <summary>The strings of aggregate terms and purpose prices on offering pages (<c>AggregateText.resx</c>, <c>AggregateText.ja.resx</c>).</summary>
public sealed class AggregateText;
