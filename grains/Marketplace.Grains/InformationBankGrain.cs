using Marketplace.Domain;

namespace Marketplace.Grains;

[GenerateSerializer, Alias("Marketplace.InformationBankState")]
public sealed class InformationBankState
{
    [Id(0)] public List<string> Notices { get; set; } = [];
    [Id(1)] public Dictionary<string, RecipientReview> Reviews { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>An information bank's notices and its data-ethics reviews of the buyers that may receive its people's data.</summary>
[GrainType("informationbank")]
public sealed class InformationBankGrain(
    [PersistentState("information-bank", GrainStorage.Name)] IPersistentState<InformationBankState> state) : Grain, IInformationBankGrain
{
    public const int MaxNotices = 200;

    /// <summary>Buyers one bank keeps reviews of; past it, the oldest refused reviews are the ones to clear.</summary>
    public const int MaxReviews = TextBounds.Buyers;

    public async Task AddNotice(string noticeId)
    {
        if (state.State.Notices.Contains(noticeId, StringComparer.Ordinal))
        {
            return;
        }
        if (state.State.Notices.Count >= MaxNotices)
        {
            throw new DomainException(ErrorCodes.NoticeInvalid, $"A bank publishes at most {MaxNotices} notices; publish a new version of an existing one instead.");
        }
        state.State.Notices.Add(noticeId);
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<string>> ListNotices() => Task.FromResult<IReadOnlyList<string>>([.. state.State.Notices]);

    public async Task<RecipientReview> Review(RecipientReview review)
    {
        ArgumentNullException.ThrowIfNull(review);
        if (!state.State.Reviews.ContainsKey(review.BuyerId) && state.State.Reviews.Count >= MaxReviews)
        {
            throw new DomainException(ErrorCodes.ReviewInvalid, $"This bank holds {MaxReviews} reviews; no more buyers can be reviewed.");
        }
        state.State.Reviews[review.BuyerId] = review;
        await state.WriteStateAsync();
        return review;
    }

    public Task<RecipientReview?> GetReview(string buyerId) =>
        Task.FromResult(state.State.Reviews.TryGetValue(buyerId, out var review) ? review : null);

    public Task<IReadOnlyList<RecipientReview>> ListReviews() =>
        Task.FromResult<IReadOnlyList<RecipientReview>>([.. state.State.Reviews.Values.OrderBy(r => r.BuyerId, StringComparer.Ordinal)]);
}
