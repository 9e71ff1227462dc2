using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Marketplace.Domain;

namespace Marketplace.Application.Access;

/// <summary>
/// An opaque paging cursor: the revision being read and the last sequence returned. Paging stays on the
/// revision it started on, so a newly published revision never shifts records under a reader.
/// </summary>
public sealed record RecordCursor(string RevisionId, long AfterSequence)
{
    public string Encode() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{RevisionId}:{AfterSequence}")));

    public static RecordCursor Decode(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            var colon = text.LastIndexOf(':');
            if (colon > 0 && long.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var after))
            {
                return new RecordCursor(text[..colon], after);
            }
        }
        catch (FormatException)
        {
        }
        throw new DomainException(ErrorCodes.CursorInvalid,
            "The cursor is not one this API issued. Use the nextCursor of the previous page, or leave it out to start from the beginning.");
    }
}
