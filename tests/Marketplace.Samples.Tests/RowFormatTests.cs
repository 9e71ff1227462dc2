using Marketplace.Samples.SmartCity.Tables;
using Marketplace.Samples.Tests.Support;

namespace Marketplace.Samples.Tests;

public sealed class RowFormatTests
{
    private sealed record Stop(string Id, string Name, bool Accessible);

    private static Table<Stop> Stops(params Stop[] stops) => Table.For(() => stops)
        .Column("stop_id", FieldType.String, s => s.Id)
        .Column("name", FieldType.String, s => s.Name)
        .Column("wheelchair_accessible", FieldType.Boolean, s => s.Accessible);

    [Fact]
    public async Task Csv_leaves_plain_japanese_names_unquoted()
    {
        var text = await Written.TextAsync(RowFormat.Csv, Stops(new Stop("BS0001", "みなと中央駅前", true)));

        Assert.Equal("stop_id,name,wheelchair_accessible\nBS0001,みなと中央駅前,true\n", text);
    }

    [Fact]
    public async Task Csv_quotes_japanese_names_with_commas_or_quotes_and_doubles_the_quotes()
    {
        var text = await Written.TextAsync(
            RowFormat.Csv,
            Stops(new Stop("BS0001", "港未来中央, 東口", false), new Stop("BS0002", "\"みなと\"ホール前", true)));

        Assert.Equal(
            "stop_id,name,wheelchair_accessible\n"
            + "BS0001,\"港未来中央, 東口\",false\n"
            + "BS0002,\"\"\"みなと\"\"ホール前\",true\n",
            text);
    }

    [Fact]
    public async Task Csv_quoting_reads_back_to_the_original_names()
    {
        string[] names = ["港未来中央, 東口", "\"みなと\"ホール前", "改行\nを含む", "日ノ出町、北口"];
        var table = Stops([.. names.Select((n, i) => new Stop($"BS{i}", n, true))]);

        var lines = Csv.Parse(await Written.TextAsync(RowFormat.Csv, table));

        Assert.Equal(names, lines.Skip(1).Select(l => l[1]));
    }

    [Fact]
    public async Task Json_lines_keep_japanese_readable_and_escape_quotes()
    {
        var text = await Written.TextAsync(RowFormat.JsonLines, Stops(new Stop("BS0001", "\"みなと\"ホール前", true)));

        Assert.Equal("{\"stop_id\":\"BS0001\",\"name\":\"\\\"みなと\\\"ホール前\",\"wheelchair_accessible\":true}\n", text);
    }

    [Fact]
    public void Cells_use_invariant_iso_forms_on_tokyo_time()
    {
        Assert.Equal("2026-10-01T09:30:00+09:00", Cell.Text(new DateTimeOffset(2026, 10, 1, 9, 30, 0, TimeSpan.FromHours(9))));
        Assert.Equal("2026-10-01", Cell.Text(new DateOnly(2026, 10, 1)));
        Assert.Equal("12.5", Cell.Text(12.5m));
        Assert.Equal("false", Cell.Text(false));
    }
}
