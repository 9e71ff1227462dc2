namespace Marketplace.Storage;

/// <summary>
/// A folder of small named secrets (signing keys, data-protection keys) that every host of a marketplace must see
/// alike: a directory under the data directory for one host, a set of documents in the shared store for a cluster.
/// Entries are created whole and never overwritten (two hosts making the same entry at once keep the first), so
/// hosts agree without a lock. Synchronous: its readers (the data-protection key ring, the receipt key ring) are,
/// and they cache what they read.
/// </summary>
public interface IKeyFolder
{
    /// <summary>Every entry's name.</summary>
    IReadOnlyList<string> Names();

    /// <summary>The entry's text, or null when there is none (never made, or deleted meanwhile).</summary>
    string? Read(string name);

    /// <summary>Creates the entry unless one of that name exists (then leaves it as it is).</summary>
    void CreateNew(string name, string text);

    /// <summary>Removes the entry if it is there.</summary>
    void Delete(string name);
}
