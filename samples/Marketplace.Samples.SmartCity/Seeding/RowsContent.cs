using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Marketplace.Samples.SmartCity.Tables;

namespace Marketplace.Samples.SmartCity.Seeding;

/// <summary>
/// A request body that generates its rows while it is being sent (chunked), so an upload costs one line of
/// memory however many records it has.
/// </summary>
internal sealed class RowsContent : HttpContent
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly RowFormat format;
    private readonly Table table;

    public RowsContent(RowFormat format, Table table)
    {
        this.format = format;
        this.table = table;
        Headers.ContentType = new MediaTypeHeaderValue(format.MediaType);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var writer = new StreamWriter(stream, Utf8, bufferSize: 64 * 1024, leaveOpen: true);
        await using (writer)
        {
            await format.WriteAsync(writer, table, cancellationToken);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
