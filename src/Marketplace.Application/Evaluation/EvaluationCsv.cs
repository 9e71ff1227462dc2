using System.Globalization;
using System.Text;
using Marketplace.Domain;

namespace Marketplace.Application.Evaluation;

/// <summary>The series of an evaluation that download as CSV, by the name in their URL.</summary>
public enum EvaluationSeries
{
    UsagePerDay,
    UsagePerDataset,
    UsageByClass,
    TopDatasets,
    ActiveContracts,
    NewListings,
    Downloads,
}

/// <summary>
/// The numbers behind each chart of the evaluation as CSV: UTF-8, a header row, ISO dates (billing days), integers
/// without separators, CRLF line ends, RFC 4180 quoting. Text cells hold what providers wrote (dataset titles), so a
/// cell a spreadsheet would read as a formula (starting with = + - @, a tab or a carriage return) is neutralised
/// with a leading apostrophe, the OWASP advice against CSV injection.
/// </summary>
public static class EvaluationCsv
{
    public const string ContentType = "text/csv; charset=utf-8";

    /// <summary>Every series with its name in URLs and file names.</summary>
    public static readonly IReadOnlyList<(EvaluationSeries Series, string Name)> Names =
    [
        (EvaluationSeries.UsagePerDay, "usage-per-day"),
        (EvaluationSeries.UsagePerDataset, "usage-per-dataset"),
        (EvaluationSeries.UsageByClass, "usage-by-class"),
        (EvaluationSeries.TopDatasets, "top-datasets"),
        (EvaluationSeries.ActiveContracts, "active-contracts"),
        (EvaluationSeries.NewListings, "new-listings"),
        (EvaluationSeries.Downloads, "downloads"),
    ];

    public static string NameOf(EvaluationSeries series) => Names.First(n => n.Series == series).Name;

    /// <summary>
    /// The series a URL names. A name that is not even a slug answers 400 as a malformed id does on every route;
    /// another name answers 404 listing the valid ones.
    /// </summary>
    public static EvaluationSeries Parse(string? name)
    {
        if (!Identifiers.IsValidSlug(name))
        {
            throw new DomainException(DomainErrorCode.InvalidField("series"),
                $"A series is named in lower-case letters and hyphens: {string.Join(", ", Names.Select(n => n.Name))}.");
        }
        foreach (var (series, known) in Names)
        {
            if (string.Equals(name, known, StringComparison.Ordinal))
            {
                return series;
            }
        }
        throw new DomainException(ErrorCodes.EvaluationSeriesNotFound,
            $"There is no evaluation series by that name; the series are {string.Join(", ", Names.Select(n => n.Name))}.");
    }

    public static string FileName(EvaluationSeries series, CityEvaluationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return $"evaluation-{NameOf(series)}-{Iso(report.From)}-{Iso(report.To)}.csv";
    }

    public static string Write(EvaluationSeries series, CityEvaluationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var csv = new StringBuilder();
        switch (series)
        {
            case EvaluationSeries.UsagePerDay:
                Row(csv, "day", "public", "private", "personal", "total");
                foreach (var d in report.UsagePerDay)
                {
                    Row(csv, Iso(d.Day), N(d.Public), N(d.Private), N(d.Personal), N(d.Total));
                }
                break;
            case EvaluationSeries.UsagePerDataset:
                Row(csv, "day", "dataset_id", "title", "class", "units", "events");
                foreach (var u in report.UsagePerDataset)
                {
                    Row(csv, Iso(u.Day), Text(u.DatasetId), Text(u.Title), WireNames.Of(u.DatasetClass), N(u.Units), N(u.Events));
                }
                break;
            case EvaluationSeries.UsageByClass:
                Row(csv, "class", "units");
                ClassRows(csv, report.UsageByClass);
                break;
            case EvaluationSeries.TopDatasets:
                Row(csv, "rank", "dataset_id", "title", "class", "units", "events");
                for (var i = 0; i < report.TopDatasets.Count; i++)
                {
                    var d = report.TopDatasets[i];
                    Row(csv, N(i + 1), Text(d.DatasetId), Text(d.Title), WireNames.Of(d.DatasetClass), N(d.Units), N(d.Events));
                }
                break;
            case EvaluationSeries.ActiveContracts:
                Row(csv, "class", "contracts");
                ClassRows(csv, report.ActiveContracts);
                break;
            case EvaluationSeries.NewListings:
                Row(csv, "day", "public", "private", "personal", "total");
                foreach (var d in report.NewListingsPerDay)
                {
                    Row(csv, Iso(d.Day), N(d.Public), N(d.Private), N(d.Personal), N(d.Total));
                }
                break;
            default:
                Row(csv, "day", "downloads");
                foreach (var d in report.DownloadsPerDay)
                {
                    Row(csv, Iso(d.Day), N(d.Count));
                }
                break;
        }
        return csv.ToString();
    }

    /// <summary>A text cell as a spreadsheet will read it: never as a formula.</summary>
    public static string Text(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;
    }

    private static void ClassRows(StringBuilder csv, ClassCounts counts)
    {
        Row(csv, "public", N(counts.Public));
        Row(csv, "private", N(counts.Private));
        Row(csv, "personal", N(counts.Personal));
        Row(csv, "total", N(counts.Total));
    }

    private static void Row(StringBuilder csv, params string[] cells)
    {
        for (var i = 0; i < cells.Length; i++)
        {
            if (i > 0)
            {
                csv.Append(',');
            }
            var cell = cells[i];
            if (cell.AsSpan().IndexOfAny(",\"\r\n") >= 0)
            {
                csv.Append('"').Append(cell.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            }
            else
            {
                csv.Append(cell);
            }
        }
        csv.Append("\r\n");
    }

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
