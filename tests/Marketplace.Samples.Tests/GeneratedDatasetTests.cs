using System.Globalization;
using System.Text.Json;
using Marketplace.Samples.SmartCity.City;
using Marketplace.Samples.SmartCity.Tables;
using Marketplace.Samples.Tests.Support;

namespace Marketplace.Samples.Tests;

public sealed class GeneratedDatasetTests
{
    public static TheoryData<string> AllDatasets => Written.DatasetIds();

    public static TheoryData<string> CsvDatasets => Written.DatasetIds(RowFormat.Csv);

    public static TheoryData<string> JsonLinesDatasets => Written.DatasetIds(RowFormat.JsonLines);

    [Theory]
    [MemberData(nameof(AllDatasets))]
    public async Task Two_runs_of_a_dataset_write_identical_text(string datasetId)
    {
        var dataset = SampleCity.Dataset(datasetId);

        var first = await Written.TextAsync(dataset);
        var second = await Written.TextAsync(dataset);

        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData("bus-stops", 300)]
    [InlineData("air-quality-hourly", 10 * 30 * 24)]
    [InlineData("population-by-district", 12 * 18)]
    [InlineData("station-entries-hourly", 20 * 24 * 30)]
    [InlineData("retail-footfall-daily", 15 * 90)]
    [InlineData("health-checks", 1_000)]
    [InlineData("journeys", 1_594)]
    public void A_dataset_has_its_advertised_number_of_rows(string datasetId, int rows)
    {
        Assert.Equal(rows, SampleCity.Dataset(datasetId).Table.Rows().Count());
    }

    [Theory]
    [MemberData(nameof(CsvDatasets))]
    public async Task Every_csv_row_has_one_cell_of_the_right_type_per_schema_field(string datasetId)
    {
        var dataset = SampleCity.Dataset(datasetId);

        var lines = Csv.Parse(await Written.TextAsync(dataset));

        Assert.Equal(dataset.Table.Fields.Select(f => f.Name), lines[0]);
        Assert.Equal(dataset.Table.Rows().Count(), lines.Count - 1);
        foreach (var line in lines.Skip(1))
        {
            Assert.Equal(dataset.Table.Fields.Count, line.Count);
            for (var i = 0; i < line.Count; i++)
            {
                AssertFits(dataset.Table.Fields[i], line[i]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(JsonLinesDatasets))]
    public async Task Every_json_line_has_exactly_the_schema_fields_with_their_json_types(string datasetId)
    {
        var dataset = SampleCity.Dataset(datasetId);

        var lines = (await Written.TextAsync(dataset)).Split('\n');

        Assert.Equal("", lines[^1]);
        Assert.Equal(dataset.Table.Rows().Count(), lines.Length - 1);
        foreach (var line in lines[..^1])
        {
            using var json = JsonDocument.Parse(line);
            var properties = json.RootElement.EnumerateObject().ToList();
            Assert.Equal(dataset.Table.Fields.Select(f => f.Name), properties.Select(p => p.Name));
            foreach (var (field, property) in dataset.Table.Fields.Zip(properties))
            {
                var kindFits = field.Type switch
                {
                    FieldType.Integer or FieldType.Number => property.Value.ValueKind == JsonValueKind.Number,
                    FieldType.Boolean => property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False,
                    _ => property.Value.ValueKind == JsonValueKind.String,
                };
                Assert.True(kindFits, $"{field.Name} is a JSON {property.Value.ValueKind}, not a {field.Type}.");
                AssertFits(field, property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText());
            }
        }
    }

    private static void AssertFits(Field field, string text)
    {
        var invariant = CultureInfo.InvariantCulture;
        var fits = field.Type switch
        {
            FieldType.String => text.Length > 0,
            FieldType.Integer => long.TryParse(text, NumberStyles.AllowLeadingSign, invariant, out _),
            FieldType.Number => decimal.TryParse(text, NumberStyles.Float, invariant, out _),
            FieldType.Boolean => text is "true" or "false",
            FieldType.Date => DateOnly.TryParseExact(text, "yyyy-MM-dd", invariant, DateTimeStyles.None, out _),
            FieldType.Datetime => DateTimeOffset.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:sszzz", invariant, DateTimeStyles.None, out var at)
                && at.Offset == TimeSpan.FromHours(9),
            _ => false,
        };
        Assert.True(fits, $"'{text}' is not a {field.Type} for {field.Name}.");
    }
}
