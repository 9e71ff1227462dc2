using System.Text;

namespace Marketplace.Domain.Tests;

/// <summary>Uploads are read within bounds: each problem said once, over-long records and rows with too many values refused by line.</summary>
public sealed class UploadBoundsTests
{
    private const string Header = Schemas.AirQualityHeader;

    private static string Lines(params string[] lines) => string.Join("\n", lines) + "\n";

    [Fact]
    public void A_header_with_several_unknown_columns_lists_the_schema_fields_once()
    {
        var record = Assert.Single(Schemas.Csv(Lines("station,measured_at,colour,size,weight", Schemas.AirQualityRow)));

        var text = string.Join("\n", record.Errors);
        Assert.Equal(1, Count(text, "station, measured_at, pm25"));
        Assert.Contains("'colour'", text, StringComparison.Ordinal);
        Assert.Contains("'size'", text, StringComparison.Ordinal);
        Assert.Contains("'weight'", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_json_object_with_several_unknown_fields_lists_the_schema_fields_once()
    {
        var record = Assert.Single(Schemas.JsonLines(Lines("""{"station":"st-1","measured_at":"2026-11-01T09:00:00+09:00","colour":1,"size":2,"weight":3}""")));

        var text = string.Join("\n", record.Errors);
        Assert.Equal(1, Count(text, "station, measured_at, pm25"));
        Assert.Contains("'colour'", text, StringComparison.Ordinal);
        Assert.Contains("'weight'", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_csv_record_longer_than_the_cap_is_refused_by_line_and_the_next_row_is_read()
    {
        var longValue = new string('x', RecordParser.MaxRecordChars + 1);

        var records = Schemas.Csv(Lines(Header, $"{longValue},2026-11-01T09:00:00+09:00,12.5,3,true,2026-11-01", Schemas.AirQualityRow));

        Assert.Equal(2, records.Count);
        Assert.Contains("line 2", Assert.Single(records[0].Errors), StringComparison.Ordinal);
        Assert.Contains("MiB", records[0].Errors[0], StringComparison.Ordinal);
        Assert.True(records[1].IsValid);
    }

    [Fact]
    public void A_csv_row_with_more_values_than_allowed_is_refused_by_line()
    {
        var wide = string.Join(",", Enumerable.Repeat("1", RecordParser.MaxValuesPerRecord + 1));

        var records = Schemas.Csv(Lines(Header, wide, Schemas.AirQualityRow));

        Assert.Contains("values", Assert.Single(records[0].Errors), StringComparison.Ordinal);
        Assert.True(records[1].IsValid);
    }

    [Fact]
    public void A_csv_header_with_more_columns_than_allowed_is_refused_once()
    {
        var wide = string.Join(",", Enumerable.Range(0, RecordParser.MaxValuesPerRecord + 1).Select(i => $"c{i}"));

        var record = Assert.Single(Schemas.Csv(Lines(wide, Schemas.AirQualityRow)));

        Assert.Contains("values", Assert.Single(record.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void A_json_line_longer_than_the_cap_is_refused_by_line_and_the_next_line_is_read()
    {
        var valid = """{"station":"st-1","measured_at":"2026-11-01T09:00:00+09:00"}""";
        var tooLong = "{\"station\":\"" + new string('x', RecordParser.MaxRecordChars) + "\"}";

        var records = Schemas.JsonLines(Lines(tooLong, valid));

        Assert.Equal(2, records.Count);
        Assert.Contains("line 1", Assert.Single(records[0].Errors), StringComparison.Ordinal);
        Assert.Contains("MiB", records[0].Errors[0], StringComparison.Ordinal);
        Assert.Equal(2, records[1].Line);
        Assert.True(records[1].IsValid);
    }

    [Fact]
    public void A_json_line_with_more_properties_than_allowed_is_refused_once()
    {
        var wide = "{" + string.Join(",", Enumerable.Range(0, RecordParser.MaxValuesPerRecord + 1).Select(i => $"\"p{i}\":1")) + "}";

        var record = Assert.Single(Schemas.JsonLines(Lines(wide)));

        Assert.Contains("values", Assert.Single(record.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Json_lines_end_at_cr_lf_and_cr_as_well_as_lf()
    {
        var valid = """{"station":"st-1","measured_at":"2026-11-01T09:00:00+09:00"}""";

        var records = Schemas.JsonLines(valid + "\r\n" + valid + "\r" + valid);

        Assert.Equal([1L, 2, 3], records.Select(r => r.Line));
        Assert.All(records, r => Assert.True(r.IsValid));
    }

    private static int Count(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + 1, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }
}
