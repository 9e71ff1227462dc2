using System.Xml.Linq;
using Marketplace.Storage;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Marketplace.Host.Cluster;

/// <summary>
/// ASP.NET Core Data Protection's keys in a key folder, so that a sign-in cookie or an antiforgery token one host
/// issues is accepted by every other: in a cluster the folder is the shared store's. Entries are named after the
/// key ("key-{id}.xml") and never overwritten; a revocation is a new entry, as Data Protection writes it.
/// </summary>
public sealed class KeyFolderXmlRepository(IKeyFolder folder) : IXmlRepository
{
    private const string Prefix = "dp-";

    public IReadOnlyCollection<XElement> GetAllElements() =>
        [.. folder.Names()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(folder.Read)
            .OfType<string>()
            .Select(text => XElement.Parse(text))];

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        ArgumentException.ThrowIfNullOrEmpty(friendlyName);
        folder.CreateNew(Prefix + friendlyName + ".xml", element.ToString(SaveOptions.DisableFormatting));
    }
}
