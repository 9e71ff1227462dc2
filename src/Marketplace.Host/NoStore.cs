namespace Marketplace.Host;

/// <summary>
/// Endpoint metadata: the answer must not be stored by any cache (<c>Cache-Control: no-store</c>). Answers to
/// authenticated requests are never stored either; the marker is for answers that hold secrets or personal data.
/// </summary>
public sealed class NoStore;
