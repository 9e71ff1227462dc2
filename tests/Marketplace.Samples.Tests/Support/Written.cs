using Marketplace.Samples.SmartCity.City;
using Marketplace.Samples.SmartCity.Tables;

namespace Marketplace.Samples.Tests.Support;

internal static class Written
{
    public static Task<string> TextAsync(SampleDataset dataset) => TextAsync(dataset.Format, dataset.Table);

    public static async Task<string> TextAsync(RowFormat format, Table table)
    {
        using var writer = new StringWriter();
        await format.WriteAsync(writer, table);
        return writer.ToString();
    }

    public static TheoryData<string> DatasetIds(RowFormat? format = null) =>
        [.. SampleCity.Datasets.Where(d => format is null || d.Format == format).Select(d => d.Id)];
}
