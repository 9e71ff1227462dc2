using Marketplace.Storage;
using Marketplace.Application.Consent.Receipts;

namespace Marketplace.Host.Features.Receipts;

/// <summary>
/// The receipt keys in a key folder: by default files in <c>{DataDirectory}/receipt-keys</c>, owner-only (0600); in a
/// cluster, the shared store's folder <c>receipt-keys</c>. The current key as
/// <c>{kid}.key</c> (PKCS#8 private key, PEM) and each key it replaced as <c>{kid}.pub</c> (public key only: a retired
/// key verifies old receipts and can sign nothing). The first start makes the first key; <see cref="Rotate"/> adds
/// one. At most <see cref="MaxKeys"/> keys stay published; beyond, the oldest is deleted and its receipts no longer
/// verify. Entries are only ever created whole, never overwritten, and the highest sequence is current, so hosts
/// sharing the folder agree without a lock.
/// </summary>
public sealed class ConsentReceiptKeys : IConsentReceiptKeys, IDisposable
{
    public const string DirectoryName = "receipt-keys";
    public const int MaxKeys = 20;
    private const string PrivateExtension = ".key";
    private const string PublicExtension = ".pub";

    /// <summary>How often the directory is read again for keys another host made (unknown key ids: at most once a second).</summary>
    private static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RefreshUnknownEvery = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ReceiptKey> _loaded = new(StringComparer.Ordinal);
    private KeyRing _ring;
    private long _readAtTicks;

    /// <summary>The keys as files in <c>{dataDirectory}/receipt-keys</c> (one host, or hosts sharing the directory).</summary>
    public ConsentReceiptKeys(string dataDirectory, TimeProvider time)
        : this(new FileKeyFolder(Path.Combine(Path.GetFullPath(dataDirectory ?? throw new ArgumentNullException(nameof(dataDirectory))), DirectoryName)), time)
    {
    }

    /// <summary>The keys in any key folder (the shared store's, for a cluster).</summary>
    public ConsentReceiptKeys(IKeyFolder folder, TimeProvider time)
    {
        _folder = folder ?? throw new ArgumentNullException(nameof(folder));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        lock (_gate)
        {
            _ring = Load();
            if (_ring.Signer is null)
            {
                _ring = CreateAndLoad();
            }
            Tidy();
        }
    }

    private readonly IKeyFolder _folder;

    /// <summary>The directory of the keys' files (keys kept in files only).</summary>
    public string Directory => (_folder as FileKeyFolder)?.Path ?? throw new InvalidOperationException("These receipt keys are not kept in files.");

    public ReceiptKey Current => Ring(RefreshEvery).Signer ?? Rotate();

    public IReadOnlyList<ReceiptKey> Published => Ring(RefreshEvery).Keys;

    public ReceiptKey? Find(string keyId)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        return Ring(RefreshEvery).Find(keyId) ?? (ReceiptKey.SequenceOf(keyId) is null ? null : Ring(RefreshUnknownEvery).Find(keyId));
    }

    public ReceiptKey Rotate()
    {
        lock (_gate)
        {
            _ring = CreateAndLoad();
            Tidy();
            return _ring.Signer!;
        }
    }

    /// <summary>The path of a key's file as it is now (private while current, public once retired).</summary>
    public string FileOf(string keyId) =>
        File.Exists(Path.Combine(Directory, keyId + PrivateExtension)) ? Path.Combine(Directory, keyId + PrivateExtension) : Path.Combine(Directory, keyId + PublicExtension);

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var key in _loaded.Values)
            {
                key.Dispose();
            }
            _loaded.Clear();
        }
    }

    private KeyRing Ring(TimeSpan freshness)
    {
        var ring = Volatile.Read(ref _ring);
        if (_time.GetUtcNow().UtcTicks - Volatile.Read(ref _readAtTicks) < freshness.Ticks)
        {
            return ring;
        }
        lock (_gate)
        {
            if (_time.GetUtcNow().UtcTicks - _readAtTicks >= freshness.Ticks)
            {
                _ring = Load();
            }
            return _ring;
        }
    }

    /// <summary>Reads the directory: every key, newest first; a key both private and public counts once, as private.</summary>
    private KeyRing Load()
    {
        Volatile.Write(ref _readAtTicks, _time.GetUtcNow().UtcTicks);
        var keys = new List<ReceiptKey>();
        var names = _folder.Names()
            .Select(name => (Path: name, Id: Path.GetFileNameWithoutExtension(name), Private: name.EndsWith(PrivateExtension, StringComparison.Ordinal)))
            .Where(f => (f.Private || f.Path.EndsWith(PublicExtension, StringComparison.Ordinal)) && ReceiptKey.SequenceOf(f.Id) is not null)
            .GroupBy(f => f.Id, StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(f => f.Private).First());
        foreach (var (path, id, isPrivate) in names)
        {
            if (_loaded.TryGetValue(id, out var known) && known.CanSign == isPrivate)
            {
                keys.Add(known);
                continue;
            }
            if (known is { CanSign: true })
            {
                // Held privately here though another host retired its file: receipts it signs still verify.
                keys.Add(known);
            }
            else if (_folder.Read(path) is { } pem && ReceiptKey.FromPem(id, pem) is { } key)
            {
                _loaded[id] = key; // a replaced object is left to the collector: a verifier may be using it
                keys.Add(key);
            }
        }
        keys.Sort((a, b) => b.Sequence != a.Sequence ? b.Sequence.CompareTo(a.Sequence) : string.CompareOrdinal(b.KeyId, a.KeyId));
        var published = keys.Take(MaxKeys).ToList();
        foreach (var gone in _loaded.Keys.Except(published.Select(k => k.KeyId)).ToList())
        {
            _loaded.Remove(gone);
        }
        return new KeyRing(published);
    }

    /// <summary>Writes a new key after the newest on disk, then reads the directory (which another host may have added to meanwhile).</summary>
    private KeyRing CreateAndLoad()
    {
        var latest = Load();
        using (var key = ReceiptKey.Generate(latest.Keys.Count == 0 ? 0 : latest.Keys[0].Sequence, _time.GetUtcNow()))
        {
            _folder.CreateNew(key.KeyId + PrivateExtension, key.ExportPrivatePem());
        }
        return Load();
    }

    /// <summary>Retires every private key but the current one to its public half, and deletes the keys beyond the bound.</summary>
    private void Tidy()
    {
        var keys = _ring.Keys;
        var names = _folder.Names().ToHashSet(StringComparer.Ordinal);
        foreach (var key in keys.Where(k => k != _ring.Signer))
        {
            var privateName = key.KeyId + PrivateExtension;
            if (names.Contains(privateName))
            {
                if (!names.Contains(key.KeyId + PublicExtension))
                {
                    _folder.CreateNew(key.KeyId + PublicExtension, key.ExportPublicPem());
                }
                _folder.Delete(privateName);
            }
        }
        var kept = keys.Select(k => k.KeyId).ToHashSet(StringComparer.Ordinal);
        foreach (var name in names.Where(n => n.EndsWith(PrivateExtension, StringComparison.Ordinal) || n.EndsWith(PublicExtension, StringComparison.Ordinal)))
        {
            var id = Path.GetFileNameWithoutExtension(name);
            if (ReceiptKey.SequenceOf(id) is not null && !kept.Contains(id))
            {
                _folder.Delete(name);
            }
        }
    }

    private sealed class KeyRing(IReadOnlyList<ReceiptKey> keys)
    {
        public IReadOnlyList<ReceiptKey> Keys { get; } = keys;

        /// <summary>The newest key that can sign (the current key); null only before the first is made.</summary>
        public ReceiptKey? Signer { get; } = keys.FirstOrDefault(k => k.CanSign);

        public ReceiptKey? Find(string keyId) => Keys.FirstOrDefault(k => k.KeyId == keyId);
    }
}
