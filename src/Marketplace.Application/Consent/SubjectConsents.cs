using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Storage;

namespace Marketplace.Application.Consent;

/// <summary>
/// What a person chooses when they consent: the notice (and the version they read), the items, purposes, recipients
/// (named buyers and classes) and the expiry. Null lists are empty; an empty item list takes the notice's items.
/// </summary>
public sealed record ConsentChoice(
    string? NoticeBankId,
    string? NoticeId,
    int? NoticeVersion,
    IReadOnlyList<string>? Items,
    IReadOnlyList<string>? Purposes,
    IReadOnlyList<string>? Recipients,
    IReadOnlyList<RecipientClass>? RecipientClasses,
    DateTimeOffset? ExpiresAt,
    bool SensitiveExplicit,
    string? Language);

/// <summary>A consent record as its person sees it: with its status now and the notice it was given under.</summary>
public sealed record ConsentRecordView(ConsentRecord Record, ConsentStatus Status, ConsentNotice Notice);

/// <summary>
/// A data subject's own use cases: list, give, change and withdraw consents, read receipts and the record of who
/// received their data, leave statistics, and ask for deletion. The API and the subject portal both come here; the
/// caller is always the person themself (their principal names the bank and their subject id).
/// </summary>
public sealed class SubjectConsents(GrainReferences grains, IProvisionLog provisions, SubjectDeletion deletion, BillingCalendar calendar)
{
    public const int MaxProvisionPage = 200;

    public async Task<IReadOnlyList<ConsentRecordView>> ListAsync(ApiPrincipal subject)
    {
        var person = await RegisteredAsync(subject);
        var records = await person.ListConsents();
        var now = calendar.Now;
        var views = new List<ConsentRecordView>(records.Count);
        foreach (var record in records.OrderByDescending(r => r.Events[^1].At))
        {
            views.Add(new ConsentRecordView(record, record.StatusAt(now), await NoticeAsync(record.BankId, record.NoticeId, record.NoticeVersion)));
        }
        return views;
    }

    public async Task<ConsentRecordView> GetAsync(ApiPrincipal subject, string recordId) =>
        (await ListAsync(subject)).FirstOrDefault(v => v.Record.RecordId == recordId)
            ?? throw new DomainException(ErrorCodes.ConsentNotFound, $"You have no consent '{TextBounds.Shorten(recordId)}'.");

    /// <summary>
    /// Gives a consent under the notice's current version, which must be the version the person read: a notice that
    /// changed meanwhile is shown again rather than consented to unseen. An idempotency key makes a retry give it once.
    /// </summary>
    public async Task<ConsentRecordView> GiveAsync(ApiPrincipal subject, ConsentChoice choice, string? idempotencyKey = null)
    {
        ArgumentNullException.ThrowIfNull(choice);
        var person = await RegisteredAsync(subject);
        var notice = await CurrentNoticeAsync(subject.PartyId, choice);
        var terms = TermsOf(choice, notice.Scope);
        var recordId = idempotencyKey is null
            ? Identifiers.NewId("consent")
            : Identifiers.DerivedId("consent", SubjectKeys.Of(subject.PartyId, subject.SubjectId!) + "\n" + idempotencyKey);
        var record = await person.Give(recordId, terms, notice, Language(choice.Language, notice));
        return new ConsentRecordView(record, record.StatusAt(calendar.Now), notice);
    }

    /// <summary>Changes a consent in force, under its notice's current version (a purpose or recipient that version adds is fresh consent).</summary>
    public async Task<ConsentRecordView> ChangeAsync(ApiPrincipal subject, string recordId, ConsentChoice choice)
    {
        ArgumentNullException.ThrowIfNull(choice);
        var current = await GetAsync(subject, recordId);
        var notice = await CurrentNoticeAsync(subject.PartyId, choice with { NoticeId = current.Record.NoticeId });
        var record = await grains.Get<IDataSubjectGrain>(KeyOf(subject)).Change(recordId, TermsOf(choice, notice.Scope), notice);
        return new ConsentRecordView(record, record.StatusAt(calendar.Now), notice);
    }

    public async Task<ConsentRecordView> WithdrawAsync(ApiPrincipal subject, string recordId)
    {
        var person = await RegisteredAsync(subject);
        var record = await person.Withdraw(recordId, ConsentActor.Subject, subject.SubjectId!);
        return new ConsentRecordView(record, record.StatusAt(calendar.Now), await NoticeAsync(record.BankId, record.NoticeId, record.NoticeVersion));
    }

    /// <summary>The receipts, newest first (the grain keeps them in the order issued; several may share an instant).</summary>
    public async Task<IReadOnlyList<ConsentReceipt>> ReceiptsAsync(ApiPrincipal subject) =>
        [.. (await (await RegisteredAsync(subject)).ListReceipts()).Reverse()];

    /// <summary>The receipt, the record at the receipt's version's current form and the notice it was given under.</summary>
    public async Task<(ConsentReceipt Receipt, ConsentRecordView Record)> ReceiptAsync(ApiPrincipal subject, string receiptId)
    {
        var receipt = (await ReceiptsAsync(subject)).FirstOrDefault(r => r.ReceiptId == receiptId)
            ?? throw new DomainException(ErrorCodes.ConsentNotFound, $"You have no receipt '{TextBounds.Shorten(receiptId)}'.");
        return (receipt, await GetAsync(subject, receipt.RecordId));
    }

    /// <summary>Who received the person's records, which items, when and why: newest first, a page at a time.</summary>
    public async Task<IReadOnlyList<Provision>> ProvisionsAsync(ApiPrincipal subject, (DateTimeOffset At, string EventId)? before, int pageSize, CancellationToken cancellationToken = default)
    {
        if (pageSize is < 1 or > MaxProvisionPage)
        {
            throw new DomainException(DomainErrorCode.InvalidField("pageSize"), $"'pageSize' is 1 to {MaxProvisionPage}.");
        }
        await RegisteredAsync(subject);
        return await provisions.ListBySubjectAsync(subject.PartyId, subject.SubjectId!, before, pageSize, cancellationToken);
    }

    public async Task<DataSubjectProfile> ProfileAsync(ApiPrincipal subject) =>
        (await (await RegisteredAsync(subject)).GetProfile())!;

    public async Task<DataSubjectProfile> SetStatisticsOptOutAsync(ApiPrincipal subject, bool optOut) =>
        await (await RegisteredAsync(subject)).SetAggregateOptOut(optOut);

    /// <summary>
    /// The person's deletion request: every consent is withdrawn at once (in force from the next access), then their
    /// records are removed from every stored revision of their bank's datasets. Asking again finishes a removal that stopped.
    /// </summary>
    public async Task<DataSubjectProfile> RequestDeletionAsync(ApiPrincipal subject, CancellationToken cancellationToken = default)
    {
        var person = await RegisteredAsync(subject);
        var profile = await person.RequestDeletion(subject.SubjectId!);
        if (profile.DeletionCompletedAt is not null)
        {
            return profile;
        }
        await deletion.RedactAsync(subject.PartyId, subject.SubjectId!, cancellationToken);
        return await person.CompleteDeletion();
    }

    private async Task<ConsentNotice> CurrentNoticeAsync(string bankId, ConsentChoice choice)
    {
        if (string.IsNullOrWhiteSpace(choice.NoticeId))
        {
            throw new DomainException(DomainErrorCode.InvalidField("noticeId"), "Name the notice you read ('noticeId'): a consent is given under a notice.");
        }
        if (choice.NoticeBankId is { } other && other != bankId)
        {
            throw new DomainException(ErrorCodes.NoticeNotFound, $"Notice '{TextBounds.Shorten(choice.NoticeId)}' is not one of your bank's notices.");
        }
        var notice = await NoticeAsync(bankId, choice.NoticeId, null);
        if (choice.NoticeVersion is { } read && read != notice.Version)
        {
            throw new DomainException(ErrorCodes.NoticeChanged,
                $"Notice '{notice.NoticeId}' is now at version {notice.Version} (you read version {read}); read the current version and consent again.");
        }
        return notice;
    }

    private async Task<ConsentNotice> NoticeAsync(string bankId, string noticeId, int? version) =>
        (Identifiers.IsValidSlug(noticeId) ? await grains.Get<IConsentNoticeGrain>(ConsentNoticeKeys.Of(bankId, noticeId)).Get(version) : null)
            ?? throw new DomainException(ErrorCodes.NoticeNotFound, $"Your bank has no notice '{TextBounds.Shorten(noticeId)}'{(version is { } v ? $" version {v}" : "")}.");

    private static ConsentTerms TermsOf(ConsentChoice choice, ConsentScope scope) =>
        new(scope, choice.Items ?? [], choice.Purposes ?? [], choice.Recipients ?? [], choice.RecipientClasses ?? [],
            choice.ExpiresAt ?? throw new DomainException(DomainErrorCode.InvalidField("expiresAt"), "A consent has an expiry ('expiresAt'), at most five years ahead."),
            choice.SensitiveExplicit);

    private static string Language(string? requested, ConsentNotice notice) => requested is "ja" or "en" ? requested : notice.Language;

    private static string KeyOf(ApiPrincipal subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return subject.Role == PartyRole.DataSubject && subject.SubjectId is { } id
            ? SubjectKeys.Of(subject.PartyId, id)
            : throw new DomainException(ErrorCodes.SubjectNotFound, "Only a data subject signed in as themself has consents.");
    }

    private async Task<IDataSubjectGrain> RegisteredAsync(ApiPrincipal subject)
    {
        var person = grains.Get<IDataSubjectGrain>(KeyOf(subject));
        return await person.GetProfile() is null
            ? throw new DomainException(ErrorCodes.SubjectNotFound, $"No data subject '{subject.SubjectId}' is registered at bank '{subject.PartyId}'.")
            : person;
    }
}

/// <summary>Removes one person's records from every stored revision of their bank's personal datasets.</summary>
public sealed class SubjectDeletion(GrainReferences grains, IHoldingsIndex holdings, IRecordStore store)
{
    public async Task<long> RedactAsync(string bankId, string subjectId, CancellationToken cancellationToken = default)
    {
        long removed = 0;
        IndexPosition? after = null;
        do
        {
            var page = await holdings.ListDatasetsAsync(bankId, after, IndexLimits.MaxPageSize, cancellationToken);
            foreach (var entry in page.Items)
            {
                var dataset = await grains.Get<IDatasetGrain>(entry.ItemId).Get();
                if (dataset?.Definition.Class != DatasetClass.Personal)
                {
                    continue;
                }
                foreach (var revision in dataset.Revisions)
                {
                    removed += await store.RedactSubjectAsync(revision.RevisionId, subjectId, cancellationToken);
                }
            }
            after = page.Next;
        }
        while (after is not null);
        return removed;
    }
}
