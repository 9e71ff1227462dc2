using System.Globalization;
using Marketplace.Application.Consent;
using Marketplace.Domain;

namespace Marketplace.Host.Features.SubjectPortal;

/// <summary>
/// What a person ticked in the consent form: items, purposes, recipients (a named buyer as <c>party:id</c>, a class
/// as <c>class:public-body</c>), the expiry date (the end of that day where the marketplace bills), explicit
/// consent to sensitive items, and the notice version they read. The rules are the application's; this only reads the form.
/// </summary>
public sealed record ConsentForm(
    IReadOnlyList<string> Items,
    IReadOnlyList<string> Purposes,
    IReadOnlyList<string> Recipients,
    string Expires,
    bool Sensitive,
    int? NoticeVersion)
{
    public const string PartyPrefix = "party:";
    public const string ClassPrefix = "class:";

    /// <summary>How long a consent runs unless the person chooses otherwise: one year (the most is five).</summary>
    public const int DefaultDays = 365;

    public static string RecipientValue(NoticeRecipient recipient)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        return recipient.PartyId is { } party ? PartyPrefix + party : ClassPrefix + WireNames.Of(recipient.Class);
    }

    /// <summary>The form for a new consent under <paramref name="notice"/>: every item and purpose unticked, a year's expiry.</summary>
    public static ConsentForm New(ConsentNotice notice, DateTimeOffset now, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(notice);
        return new([], [], [], DateOf(now.AddDays(DefaultDays), zone), false, notice.Version);
    }

    /// <summary>The form holding a consent's current terms, to change them.</summary>
    public static ConsentForm Of(ConsentTerms terms, ConsentNotice notice, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(notice);
        return new(terms.Items.Count == 0 ? notice.Items : terms.Items, terms.Purposes,
            [.. terms.RecipientParties.Select(p => PartyPrefix + p), .. terms.RecipientClasses.Select(c => ClassPrefix + WireNames.Of(c))],
            DateOf(terms.ExpiresAt, zone), terms.SensitiveExplicit, notice.Version);
    }

    public static ConsentForm Read(IFormCollection form)
    {
        ArgumentNullException.ThrowIfNull(form);
        return new(Values(form, "item"), Values(form, "purpose"), Values(form, "recipient"), form["expires"].ToString().Trim(),
            form["sensitive"].ToString() == "on",
            int.TryParse(form["noticeVersion"], NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : null);
    }

    /// <summary>The choice the application checks; a date that is not one is left for it to refuse as a missing expiry.</summary>
    public ConsentChoice ToChoice(ConsentNotice notice, TimeZoneInfo zone, string language)
    {
        ArgumentNullException.ThrowIfNull(notice);
        ArgumentNullException.ThrowIfNull(zone);
        var parties = Recipients.Where(r => r.StartsWith(PartyPrefix, StringComparison.Ordinal)).Select(r => r[PartyPrefix.Length..]).ToList();
        var classes = Recipients.Where(r => r.StartsWith(ClassPrefix, StringComparison.Ordinal))
            .Select(r => Enum.GetValues<RecipientClass>().Cast<RecipientClass?>().FirstOrDefault(c => WireNames.Of(c!.Value) == r[ClassPrefix.Length..]))
            .OfType<RecipientClass>().ToList();
        return new ConsentChoice(notice.BankId, notice.NoticeId, NoticeVersion, Items, Purposes, parties, classes, EndOfDay(Expires, zone),
            Sensitive, language);
    }

    public static string DateOf(DateTimeOffset instant, TimeZoneInfo zone) => Web.Formats.Date(instant, zone);

    private static DateTimeOffset? EndOfDay(string date, TimeZoneInfo zone)
    {
        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return null;
        }
        var local = day.ToDateTime(new TimeOnly(23, 59, 59));
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    private static List<string> Values(IFormCollection form, string name) =>
        [.. form[name].Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v!.Trim()).Distinct(StringComparer.Ordinal).Take(ConsentTerms.MaxItems)];
}
