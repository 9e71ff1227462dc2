using Marketplace.Domain;
using Marketplace.Grains;

namespace Marketplace.Host.Features.SubjectPortal;

/// <summary>
/// Which of a notice's items are sensitive (要配慮個人情報): the dataset's own profile says so for a dataset scope; a
/// health category scope counts every item as sensitive. The portal asks for explicit consent only when there are some.
/// </summary>
public sealed class NoticeSensitivity(GrainReferences grains)
{
    public async Task<IReadOnlySet<string>> SensitiveItemsAsync(ConsentNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        if (notice.Scope.Kind == ConsentScopeKind.Category)
        {
            return notice.Scope.Value == DataCategories.Health
                ? new HashSet<string>(notice.Items.Count > 0 ? notice.Items : ["*"], StringComparer.Ordinal)
                : new HashSet<string>(StringComparer.Ordinal);
        }
        var dataset = Identifiers.IsValidSlug(notice.Scope.Value) ? await grains.Get<IDatasetGrain>(notice.Scope.Value).Get() : null;
        var profile = dataset?.ProviderId == notice.BankId ? dataset.Definition.PersonalProfile : null;
        return new HashSet<string>(profile?.Items.Where(i => i.Sensitive).Select(i => i.Field) ?? [], StringComparer.Ordinal);
    }
}
