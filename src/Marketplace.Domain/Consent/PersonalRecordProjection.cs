using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace Marketplace.Domain;

/// <summary>
/// What of a personal record leaves the marketplace: the subject field carrying the buyer's pseudonym instead of the
/// subject id, and the data items the person's consent covers, in the record's order. Every other field (a
/// name, an address, an item the person did not consent to) is left out.
/// </summary>
public static class PersonalRecordProjection
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    public static string Project(string json, string subjectField, string pseudonym, IReadOnlyList<string> items)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(items);
        var output = new ArrayBufferWriter<byte>(json.Length + 16);
        using (var writer = new Utf8JsonWriter(output, Options))
        using (var document = JsonDocument.Parse(json))
        {
            writer.WriteStartObject();
            writer.WriteString(subjectField, pseudonym);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!property.NameEquals(subjectField) && Contains(items, property.Name))
                {
                    property.WriteTo(writer);
                }
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static bool Contains(IReadOnlyList<string> items, string name)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (string.Equals(items[i], name, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }
}
