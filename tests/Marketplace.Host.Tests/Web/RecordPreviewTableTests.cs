using System.Text.Json;
using System.Text.RegularExpressions;
using Marketplace.Application.Catalog;
using Marketplace.Domain;
using Marketplace.Host.Features.Catalog;

namespace Marketplace.Host.Tests.Web;

/// <summary>The preview table rendered without a browser: each value written as its field's type reads, in both languages.</summary>
public sealed class RecordPreviewTableTests
{
    private static readonly DatasetSchema Schema = new(
    [
        new SchemaField("count", FieldType.Integer, true),
        new SchemaField("share", FieldType.Number, true),
        new SchemaField("open", FieldType.Boolean, true),
        new SchemaField("day", FieldType.Date, true),
        new SchemaField("at", FieldType.DateTime, true),
        new SchemaField("note", FieldType.String, false),
    ], null);

    private static async Task<string> RenderAsync(string language)
    {
        var row = JsonDocument.Parse("""{"count":1234567,"share":0.125,"open":true,"day":"2026-11-30","at":"2026-11-30T01:00:00Z"}""").RootElement.Clone();
        var sample = new RecordSample("off-x", "rev-x", 40, Schema, [row]);
        var html = await RuleComponentTests.Render<RecordPreviewTable>(language, new() { [nameof(RecordPreviewTable.Sample)] = sample });
        return System.Net.WebUtility.HtmlDecode(html);
    }

    private static string[] Cells(string html) =>
        [.. Regex.Matches(html, "<td[^>]*>(.*?)</td>", RegexOptions.Singleline).Select(m => System.Net.WebUtility.HtmlDecode(Regex.Replace(m.Groups[1].Value, "<[^>]+>", "")).Trim())];

    [Fact]
    public async Task Values_read_as_their_types_in_english()
    {
        var html = await RenderAsync("en");

        Assert.Equal(["1,234,567", "0.125", "yes", "2026-11-30", "2026-11-30 10:00", "none"], Cells(html));
        Assert.Contains("<caption id=\"preview-caption\">The first 1 of 40 records</caption>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Values_read_as_their_types_in_japanese()
    {
        var html = await RenderAsync("ja");

        Assert.Equal(["1,234,567", "0.125", "はい", "2026-11-30", "2026-11-30 10:00", "なし"], Cells(html));
        Assert.Contains("<caption id=\"preview-caption\">40件のうち先頭1件</caption>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Numbers_are_aligned_as_numbers_and_every_column_has_a_header()
    {
        var html = await RenderAsync("en");

        Assert.Equal(2, Regex.Matches(html, "<td class=\"number\">").Count);
        Assert.Equal(6, Regex.Matches(html, "<th scope=\"col\">").Count);
    }
}
