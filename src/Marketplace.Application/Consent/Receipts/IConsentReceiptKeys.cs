namespace Marketplace.Application.Consent.Receipts;

/// <summary>
/// The marketplace's receipt keys: the current one signs, and every key still published (the current one and those it
/// replaced, up to a bound) verifies. The host keeps them as files in its data directory.
/// </summary>
public interface IConsentReceiptKeys
{
    /// <summary>The key new receipts are signed with.</summary>
    ReceiptKey Current { get; }

    /// <summary>Every published key, newest first: what <c>/.well-known/jwks.json</c> lists.</summary>
    IReadOnlyList<ReceiptKey> Published { get; }

    /// <summary>The published key with this id, or null when there is none (never published, or pruned long ago).</summary>
    ReceiptKey? Find(string keyId);

    /// <summary>Makes a new current key; the one it replaces stays published for verification.</summary>
    ReceiptKey Rotate();
}
