using Marketplace.Domain;
using Microsoft.Extensions.Localization;

namespace Marketplace.Host.Features.SubjectPortal;

/// <summary>The portal's words for the consent vocabulary: purposes, recipient classes, statuses and events.</summary>
public static class SubjectWords
{
    public static string Purpose(IStringLocalizer<SubjectPortalText> s, string purpose)
    {
        ArgumentNullException.ThrowIfNull(s);
        var word = s["Purpose." + purpose];
        return word.ResourceNotFound ? purpose : word;
    }

    public static string Purposes(IStringLocalizer<SubjectPortalText> s, IEnumerable<string> purposes) =>
        string.Join(Separator(s), purposes.Select(p => Purpose(s, p)));

    public static string Class(IStringLocalizer<SubjectPortalText> s, RecipientClass recipientClass)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s["Class." + WireNames.Of(recipientClass)];
    }

    public static string Status(IStringLocalizer<SubjectPortalText> s, ConsentStatus status)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s["Status." + WireNames.Of(status)];
    }

    public static string Event(IStringLocalizer<SubjectPortalText> s, ConsentEventKind kind)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s["Event." + WireNames.Of(kind)];
    }

    /// <summary>Whom a consent names: its buyers by the notice's name for them, then its classes.</summary>
    public static string Recipients(IStringLocalizer<SubjectPortalText> s, ConsentTerms terms, ConsentNotice notice)
    {
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(notice);
        var names = terms.RecipientParties.Select(p => notice.Recipients.FirstOrDefault(r => r.PartyId == p)?.Name ?? p)
            .Concat(terms.RecipientClasses.Select(c => Class(s, c)));
        return string.Join(Separator(s), names);
    }

    public static string Items(IStringLocalizer<SubjectPortalText> s, ConsentTerms terms, ConsentNotice notice)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(notice);
        var items = terms.Items.Count > 0 ? terms.Items : notice.Items;
        return items.Count == 0 ? s["Consents.AllItems"] : string.Join(Separator(s), items);
    }

    private static string Separator(IStringLocalizer<SubjectPortalText> s) => s["List.Separator"];
}
