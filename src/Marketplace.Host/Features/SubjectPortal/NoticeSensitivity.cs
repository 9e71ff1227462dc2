using Marketplace.Domain;
using Marketplace.Grains;

namespace Marketplace.Host.Features.SubjectPortal;

/// <summary>The data items a notice covers as the person should see them: each by name, and which are sensitive.</summary>
public sealed record NoticeItems(IReadOnlyList<string> Items, IReadOnlySet<string> Sensitive)
{
    public bool IsSensitive(string item) => Sensitive.Contains(item);
}

/// <summary>
/// Which of a notice's items are sensitive (要配慮個人情報): the dataset's own profile says so for a dataset scope (and
/// names the items when the notice covers all of them); a health category scope counts every item as sensitive. The
/// portal asks for explicit consent only when there are some.
/// </summary>
public sealed class NoticeSensitivity(GrainReferences grains)
{
    public async Task<NoticeItems> ItemsAsync(ConsentNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        if (notice.Scope.Kind == ConsentScopeKind.Category)
        {
            return new(notice.Items, new HashSet<string>(
                notice.Scope.Value == DataCategories.Health ? (notice.Items.Count > 0 ? notice.Items : [Everything]) : [], StringComparer.Ordinal));
        }
        var dataset = Identifiers.IsValidSlug(notice.Scope.Value) ? await grains.Get<IDatasetGrain>(notice.Scope.Value).Get() : null;
        var profile = dataset?.ProviderId == notice.BankId ? dataset.Definition.PersonalProfile : null;
        var items = notice.Items.Count > 0 ? notice.Items : profile?.Items.Select(i => i.Field).ToList() ?? [];
        return new(items, new HashSet<string>(profile?.Items.Where(i => i.Sensitive && items.Contains(i.Field)).Select(i => i.Field) ?? [], StringComparer.Ordinal));
    }

    /// <summary>Stands for "every item" when a health category notice names none.</summary>
    public const string Everything = "*";
}
