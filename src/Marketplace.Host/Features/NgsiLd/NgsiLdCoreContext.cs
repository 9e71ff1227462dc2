using Marketplace.Domain;
using Marketplace.Domain.NgsiLd;

namespace Marketplace.Host.Features.NgsiLd;

/// <summary>
/// The NGSI-LD core @context (ETSI GS CIM 009 V1.8, annex B) shipped with the host as a resource: the machine that
/// runs the marketplace need not reach uri.etsi.org. Served at <see cref="NgsiLdEndpoints.CoreContextPath"/> and
/// read into the <see cref="NgsiLdTerms"/> the notification parser recognises core terms by.
/// </summary>
public sealed class NgsiLdCoreContext
{
    public const string ResourceName = "Marketplace.Host.NgsiLd.CoreContext";

    private NgsiLdCoreContext(byte[] bytes)
    {
        Bytes = bytes;
        Terms = NgsiLdTerms.Parse(System.Text.Encoding.UTF8.GetString(bytes));
    }

    public byte[] Bytes { get; }

    public NgsiLdTerms Terms { get; }

    public static NgsiLdCoreContext Load()
    {
        using var stream = typeof(NgsiLdCoreContext).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The resource {ResourceName} is missing from the host assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return new NgsiLdCoreContext(copy.ToArray());
    }
}
