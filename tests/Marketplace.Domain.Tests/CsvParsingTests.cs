using System.Globalization;
using System.Text.Json;

namespace Marketplace.Domain.Tests;

public sealed class CsvParsingTests
{
    private const string Header = Schemas.AirQualityHeader;

    private static string Lines(params string[] lines) => string.Join("\n", lines) + "\n";

    private static string? StringValue(ParsedRecord record, string field)
    {
        using var document = JsonDocument.Parse(record.Json!);
        return document.RootElement.GetProperty(field).GetString();
    }

    [Fact]
    public void A_valid_row_becomes_canonical_json_on_line_2()
    {
        var record = Assert.Single(Schemas.Csv(Lines(Header, Schemas.AirQualityRow)));

        Assert.Equal(new ParsedRecord(2, Schemas.AirQualityJson, null, []), record);
    }

    [Fact]
    public void Columns_are_mapped_by_name_and_written_in_schema_order()
    {
        var text = Lines("day,calibrated,samples,pm25,measured_at,station", "2026-11-01,true,3,12.5,2026-11-01T09:00:00+09:00,st-1");

        Assert.Equal(Schemas.AirQualityJson, Assert.Single(Schemas.Csv(text)).Json);
    }

    [Fact]
    public void Optional_columns_left_out_of_the_header_are_null()
    {
        var record = Assert.Single(Schemas.Csv(Lines("station,measured_at", "st-1,2026-11-01T09:00:00Z")));

        Assert.Equal("""{"station":"st-1","measured_at":"2026-11-01T09:00:00+00:00","pm25":null,"samples":null,"calibrated":null,"day":null}""", record.Json);
    }

    [Fact]
    public void Empty_optional_values_are_null()
    {
        var record = Assert.Single(Schemas.Csv(Lines(Header, "st-1,2026-11-01T09:00:00+09:00,,,,")));

        Assert.Contains("\"pm25\":null,\"samples\":null,\"calibrated\":null,\"day\":null", record.Json, StringComparison.Ordinal);
    }

    [Fact]
    public void Quoted_fields_may_hold_commas_and_doubled_quotes()
    {
        var record = Assert.Single(Schemas.Csv(Lines(Header, "\"Shibuya, \"\"North\"\"\",2026-11-01T09:00:00+09:00,,,,")));

        Assert.Equal("Shibuya, \"North\"", StringValue(record, "station"));
    }

    [Fact]
    public void Quoted_fields_may_span_lines_and_rows_report_the_line_they_start_on()
    {
        var records = Schemas.Csv(Lines(Header, "\"Shibuya", "North\",2026-11-01T09:00:00+09:00,,,,", "st-2,2026-11-01T09:00:00+09:00,,,,"));

        Assert.Equal([2L, 4L], records.Select(r => r.Line));
        Assert.Equal("Shibuya\nNorth", StringValue(records[0], "station"));
    }

    [Fact]
    public void CRLF_line_endings_are_accepted_and_kept_out_of_values()
    {
        var records = Schemas.Csv($"{Header}\r\n{Schemas.AirQualityRow}\r\n{Schemas.AirQualityRow}\r\n");

        Assert.Equal([2L, 3L], records.Select(r => r.Line));
        Assert.All(records, r => Assert.Equal(Schemas.AirQualityJson, r.Json));
    }

    [Fact]
    public void A_CRLF_inside_a_quoted_field_is_kept_as_written()
    {
        var record = Assert.Single(Schemas.Csv($"{Header}\r\n\"a\r\nb\",2026-11-01T09:00:00+09:00,,,,\r\n"));

        Assert.Equal("a\r\nb", StringValue(record, "station"));
    }

    [Fact]
    public void A_leading_byte_order_mark_is_ignored()
    {
        var record = Assert.Single(Schemas.Csv("\uFEFF" + Lines(Header, Schemas.AirQualityRow)));

        Assert.True(record.IsValid);
    }

    [Fact]
    public void The_last_row_needs_no_line_break()
    {
        var record = Assert.Single(Schemas.Csv($"{Header}\n{Schemas.AirQualityRow}"));

        Assert.Equal(Schemas.AirQualityJson, record.Json);
    }

    [Fact]
    public void Blank_lines_are_skipped_but_still_counted()
    {
        var records = Schemas.Csv(Lines(Header, "", Schemas.AirQualityRow, "", ""));

        Assert.Equal(3, Assert.Single(records).Line);
    }

    [Fact]
    public void A_value_of_the_wrong_type_names_line_field_and_value()
    {
        var record = Assert.Single(Schemas.Csv(Lines(Header, "st-1,2026-11-01T09:00:00+09:00,abc,,,")));

        Assert.Null(record.Json);
        Assert.Equal(["line 2, field 'pm25': 'abc' is not a number"], record.Errors);
    }

    [Fact]
    public void Every_problem_in_a_row_is_reported()
    {
        var record = Assert.Single(Schemas.Csv(Lines(Header, ",2026-11-01,1.5.2,1.5,yes,2026-02-30")));

        Assert.Equal(
        [
            "line 2, field 'station': a value is required",
            "line 2, field 'measured_at': '2026-11-01' is not a date-time with an offset (e.g. 2026-11-01T09:00:00+09:00)",
            "line 2, field 'pm25': '1.5.2' is not a number",
            "line 2, field 'samples': '1.5' is not an integer",
            "line 2, field 'calibrated': 'yes' is not a boolean (true or false)",
            "line 2, field 'day': '2026-02-30' is not a date (yyyy-MM-dd)",
        ], record.Errors);
    }

    [Fact]
    public void A_date_time_without_an_offset_is_refused_because_it_is_ambiguous()
    {
        var record = Assert.Single(Schemas.Csv(Lines(Header, "st-1,2026-11-01T09:00:00,,,,")));

        Assert.Contains("field 'measured_at'", Assert.Single(record.Errors), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-11-01T09:00+09:00", "2026-11-01T09:00:00+09:00")]
    [InlineData("2026-11-01T09:00:00.250-05:00", "2026-11-01T09:00:00.25-05:00")]
    [InlineData("2026-11-01T00:00:00Z", "2026-11-01T00:00:00+00:00")]
    public void Date_times_are_written_in_ISO_8601_with_their_offset(string input, string expected)
    {
        var record = Assert.Single(Schemas.Csv(Lines("station,measured_at", $"st-1,{input}")));

        Assert.Equal(expected, StringValue(record, "measured_at"));
    }

    [Theory]
    [InlineData(FieldType.Boolean, "TRUE", "true")]
    [InlineData(FieldType.Boolean, "False", "false")]
    [InlineData(FieldType.Integer, "-42", "-42")]
    [InlineData(FieldType.Integer, " 7 ", "7")]
    [InlineData(FieldType.Number, "1e3", "1000")]
    [InlineData(FieldType.Number, "0.10", "0.1")]
    [InlineData(FieldType.String, " padded ", "\" padded \"")]
    public void Values_are_typed_in_the_json(FieldType type, string text, string expectedJson)
    {
        var schema = new DatasetSchema([new SchemaField("v", type, true)], null);

        var record = Assert.Single(Schemas.Csv(Lines("v", text), schema));

        Assert.Equal($"{{\"v\":{expectedJson}}}", record.Json);
    }

    [Fact]
    public void Numbers_are_read_with_the_invariant_culture_whatever_the_thread_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            var record = Assert.Single(Schemas.Csv(Lines(Header, "st-1,2026-11-01T09:00:00+09:00,\"12,5\",,,")));

            Assert.Equal(["line 2, field 'pm25': '12,5' is not a number"], record.Errors);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Japanese_text_stays_readable_in_the_json()
    {
        var record = Assert.Single(Schemas.Csv(Lines(Header, "渋谷駅前,2026-11-01T09:00:00+09:00,,,,")));

        Assert.StartsWith("{\"station\":\"渋谷駅前\"", record.Json, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_column_is_an_error_on_the_header_line_and_stops_the_parse()
    {
        var record = Assert.Single(Schemas.Csv(Lines(Header + ",wind", Schemas.AirQualityRow + ",3")));

        Assert.Equal(1, record.Line);
        Assert.StartsWith("line 1: unknown column 'wind'; the schema's fields are: station, measured_at", Assert.Single(record.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Column_names_are_case_sensitive()
    {
        var record = Assert.Single(Schemas.Csv(Lines("Station,measured_at", "st-1,2026-11-01T09:00:00Z")));

        Assert.Equal(["line 1: unknown column 'Station'; the schema's fields are: station, measured_at, pm25, samples, calibrated, day (names are case-sensitive)",
            "line 1: required column 'station' is missing"], record.Errors);
    }

    [Fact]
    public void Spaces_around_header_names_are_ignored()
    {
        var record = Assert.Single(Schemas.Csv(Lines("station , measured_at", "st-1,2026-11-01T09:00:00Z")));

        Assert.True(record.IsValid);
    }

    [Fact]
    public void A_missing_required_column_is_an_error_on_line_1()
    {
        var record = Assert.Single(Schemas.Csv(Lines("station,pm25", "st-1,3")));

        Assert.Equal(["line 1: required column 'measured_at' is missing"], record.Errors);
    }

    [Fact]
    public void A_repeated_column_is_an_error()
    {
        var record = Assert.Single(Schemas.Csv(Lines("station,measured_at,station", "a,2026-11-01T09:00:00Z,b")));

        Assert.Equal(["line 1: column 'station' appears more than once"], record.Errors);
    }

    [Fact]
    public void Empty_input_is_reported_on_line_1()
    {
        var record = Assert.Single(Schemas.Csv(""));

        Assert.Equal(1, record.Line);
        Assert.StartsWith("line 1: the input is empty", Assert.Single(record.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_without_rows_yields_nothing()
    {
        Assert.Empty(Schemas.Csv(Lines(Header)));
    }

    [Theory]
    [InlineData("st-1,2026-11-01T09:00:00Z,1", "the header has 6 columns but this row has 3 values")]
    [InlineData("st-1,2026-11-01T09:00:00Z,1,2,true,2026-11-01,extra", "the header has 6 columns but this row has 7 values")]
    public void A_row_with_the_wrong_number_of_values_is_an_error(string row, string problem)
    {
        var records = Schemas.Csv(Lines(Header, row, Schemas.AirQualityRow));

        Assert.Equal([$"line 2: {problem}"], records[0].Errors);
        Assert.True(records[1].IsValid);
    }

    [Fact]
    public void An_unclosed_quote_is_reported()
    {
        var record = Assert.Single(Schemas.Csv(Lines(Header, "\"st-1,2026-11-01T09:00:00Z,,,,")));

        Assert.Equal(["line 2: a quoted field is not closed before the end of the input"], record.Errors);
    }

    [Fact]
    public void Text_after_a_closing_quote_is_reported()
    {
        var records = Schemas.Csv(Lines(Header, "\"st\"-1,2026-11-01T09:00:00Z,,,,"));

        Assert.Equal(["line 2: field 1 has text after its closing quote"], Assert.Single(records).Errors);
    }

    [Fact]
    public void A_quote_inside_an_unquoted_value_is_reported()
    {
        var records = Schemas.Csv(Lines(Header, "st\"1,2026-11-01T09:00:00Z,,,,"));

        Assert.StartsWith("line 2: field 1 has a quote in an unquoted value", Assert.Single(Assert.Single(records).Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void The_subject_of_a_personal_record_is_extracted()
    {
        var record = Assert.Single(Schemas.Csv(Lines("resident_id,steps", "r-123,4200"), Schemas.Residents));

        Assert.Equal("r-123", record.SubjectId);
    }

    [Fact]
    public void Rows_are_yielded_while_the_input_is_still_being_read()
    {
        using var endless = new EndlessCsv();

        var first = RecordParser.ParseCsv(endless, Schemas.AirQuality).Take(3).ToList();

        Assert.Equal([2L, 3L, 4L], first.Select(r => r.Line));
    }

    [Fact]
    public void Arguments_are_checked_before_enumeration()
    {
        Assert.Throws<ArgumentNullException>(() => RecordParser.ParseCsv(null!, Schemas.AirQuality));
    }

    /// <summary>An input with no end, so only a streaming parser can return.</summary>
    private sealed class EndlessCsv : TextReader
    {
        private string pending = Header + "\n";
        private int position;

        public override int Read()
        {
            var c = Peek();
            position++;
            return c;
        }

        public override int Peek()
        {
            if (position == pending.Length)
            {
                pending = Schemas.AirQualityRow + "\n";
                position = 0;
            }
            return pending[position];
        }
    }
}
