namespace Marketplace.Domain.Tests;

public sealed class JsonLinesParsingTests
{
    private const string Measured = "\"measured_at\":\"2026-11-01T09:00:00+09:00\"";

    private static ParsedRecord Single(string line) => Assert.Single(Schemas.JsonLines(line + "\n"));

    [Fact]
    public void A_valid_object_becomes_the_same_canonical_json_as_the_same_csv_row()
    {
        var fromJson = Single("""{"day":"2026-11-01","calibrated":true,"samples":3,"pm25":12.50,"measured_at":"2026-11-01T09:00:00+09:00","station":"st-1"}""");
        var fromCsv = Assert.Single(Schemas.Csv($"{Schemas.AirQualityHeader}\n{Schemas.AirQualityRow}\n"));

        Assert.Equal(Schemas.AirQualityJson, fromJson.Json);
        Assert.Equal(fromCsv.Json, fromJson.Json);
    }

    [Fact]
    public void Blank_lines_are_skipped_and_lines_keep_their_physical_numbers()
    {
        var records = Schemas.JsonLines($"{{\"station\":\"a\",{Measured}}}\n\n   \n{{\"station\":\"b\",{Measured}}}\n");

        Assert.Equal([1L, 4L], records.Select(r => r.Line));
    }

    [Fact]
    public void A_line_of_bad_json_is_reported_and_the_next_lines_are_still_read()
    {
        var records = Schemas.JsonLines($"{{\"station\":\"a\",{Measured}}}\n{{\"station\": nope}}\n{{\"station\":\"b\",{Measured}}}\n");

        Assert.Equal(["line 2: not valid JSON: 'nope}' is an invalid JSON literal. Expected the literal 'null'."], records[1].Errors);
        Assert.True(records[0].IsValid);
        Assert.True(records[2].IsValid);
    }

    [Fact]
    public void Two_objects_on_one_line_are_bad_json()
    {
        var record = Single($"{{\"station\":\"a\",{Measured}}} {{}}");

        Assert.StartsWith("line 1: not valid JSON", Assert.Single(record.Errors), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("42")]
    [InlineData("\"station\"")]
    public void A_line_that_is_not_an_object_is_reported(string line)
    {
        Assert.Equal(["line 1: expected a JSON object such as {\"field\": value}"], Single(line).Errors);
    }

    [Fact]
    public void An_unknown_property_is_an_error()
    {
        var record = Single($"{{\"station\":\"a\",{Measured},\"wind\":3}}");

        Assert.StartsWith("line 1: unknown field 'wind'; the schema's fields are: station,", Assert.Single(record.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void A_repeated_property_is_an_error()
    {
        var record = Single($"{{\"station\":\"a\",{Measured},\"station\":\"b\"}}");

        Assert.Equal(["line 1: field 'station' appears more than once"], record.Errors);
    }

    [Theory]
    [InlineData("\"samples\":\"3\"", "line 1, field 'samples': '3' is a JSON string, not an integer; write it without quotes")]
    [InlineData("\"samples\":1.5", "line 1, field 'samples': 1.5 is not an integer")]
    [InlineData("\"pm25\":\"abc\"", "line 1, field 'pm25': 'abc' is a JSON string, not a number; write it without quotes")]
    [InlineData("\"pm25\":[1]", "line 1, field 'pm25': [1] is not a number")]
    [InlineData("\"calibrated\":1", "line 1, field 'calibrated': 1 is not a boolean (true or false)")]
    [InlineData("\"day\":20261101", "line 1, field 'day': 20261101 is not a date (yyyy-MM-dd)")]
    [InlineData("\"day\":\"2026-11-31\"", "line 1, field 'day': '2026-11-31' is not a date (yyyy-MM-dd)")]
    public void A_value_of_the_wrong_type_is_an_error(string property, string expected)
    {
        var record = Single($"{{\"station\":\"a\",{Measured},{property}}}");

        Assert.Equal([expected], record.Errors);
    }

    [Fact]
    public void A_number_where_text_is_expected_is_an_error()
    {
        Assert.Equal(["line 1, field 'station': 5 is not a string"], Single($"{{\"station\":5,{Measured}}}").Errors);
    }

    [Theory]
    [InlineData("{\"measured_at\":\"2026-11-01T09:00:00Z\"}")]
    [InlineData("{\"station\":null,\"measured_at\":\"2026-11-01T09:00:00Z\"}")]
    [InlineData("{\"station\":\"\",\"measured_at\":\"2026-11-01T09:00:00Z\"}")]
    public void A_missing_null_or_empty_required_value_is_an_error(string line)
    {
        Assert.Equal(["line 1, field 'station': a value is required"], Single(line).Errors);
    }

    [Fact]
    public void Null_optional_values_are_written_as_null()
    {
        var record = Single($"{{\"station\":\"a\",{Measured},\"pm25\":null}}");

        Assert.Contains("\"pm25\":null", record.Json, StringComparison.Ordinal);
    }

    [Fact]
    public void A_leading_byte_order_mark_and_CRLF_are_tolerated()
    {
        var records = Schemas.JsonLines($"\uFEFF{{\"station\":\"a\",{Measured}}}\r\n{{\"station\":\"b\",{Measured}}}\r\n");

        Assert.All(records, r => Assert.True(r.IsValid));
        Assert.Equal([1L, 2L], records.Select(r => r.Line));
    }

    [Fact]
    public void The_subject_of_a_personal_record_is_extracted()
    {
        var record = Assert.Single(Schemas.JsonLines("{\"resident_id\":\"r-9\",\"steps\":10}", Schemas.Residents));

        Assert.Equal("r-9", record.SubjectId);
    }

    [Fact]
    public void Arguments_are_checked_before_enumeration()
    {
        Assert.Throws<ArgumentNullException>(() => RecordParser.ParseJsonLines(new StringReader(""), null!));
    }
}
