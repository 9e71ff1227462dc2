using Marketplace.Domain;
using Marketplace.Storage;

namespace Marketplace.Grains;

[GenerateSerializer, Alias("Marketplace.DataSubjectState")]
public sealed class DataSubjectState
{
    [Id(0)] public string DisplayName { get; set; } = "";
    [Id(1)] public DateTimeOffset RegisteredAt { get; set; }
    [Id(2)] public bool AggregateOptOut { get; set; }
    [Id(3)] public DateTimeOffset? DeletionRequestedAt { get; set; }
    [Id(4)] public DateTimeOffset? DeletionCompletedAt { get; set; }
    [Id(5)] public int Version { get; set; }
    [Id(6)] public List<ConsentRecord> Consents { get; set; } = [];
    [Id(7)] public List<ConsentReceipt> Receipts { get; set; } = [];
}

/// <summary>
/// One person's consents at their bank. Ordering is what keeps a person safe when a write stops half-way: a new
/// consent is stored here first and put in force (the consent index) second, so a consent the person was not told
/// about never takes effect; a withdrawal or change is put in force first and stored here second, so a withdrawal
/// the person was told about is never missed. The index keeps the newest version of each record, so the repair
/// (<see cref="Reconcile"/>, also run on activation) cannot undo a withdrawal.
/// </summary>
[GrainType("datasubject")]
public sealed class DataSubjectGrain(
    [PersistentState("data-subject", GrainStorage.Name)] IPersistentState<DataSubjectState> state,
    IConsentIndex index,
    IConsentReceiptSigner signer,
    BillingCalendar calendar) : Grain, IDataSubjectGrain
{
    /// <summary>Consent records one person keeps (withdrawn and expired ones too: they are the record of what was agreed).</summary>
    public const int MaxConsents = 200;

    /// <summary>Receipts kept; the oldest are dropped first (each stays verifiable wherever the person saved it).</summary>
    public const int MaxReceipts = 1_000;

    private DataSubjectState S => state.State;

    private (string BankId, string SubjectId) Key => SubjectKeys.Parse(this.GetPrimaryKeyString());

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.RecordExists)
        {
            await Reconcile();
        }
        await base.OnActivateAsync(cancellationToken);
    }

    public async Task<DataSubjectProfile> Register(string displayName)
    {
        var name = displayName?.Trim() ?? "";
        if (name.Length == 0)
        {
            throw new DomainException(ErrorCodes.PersonInvalidName, "A data subject needs a display name (how the portal greets them).");
        }
        TextBounds.Check(name, TextBounds.Name, "displayName");
        if (state.RecordExists)
        {
            return S.DisplayName == name
                ? Profile()
                : throw new DomainException(ErrorCodes.SubjectExists, $"Subject '{Key.SubjectId}' is already registered at this bank.");
        }
        S.DisplayName = name;
        S.RegisteredAt = calendar.Now;
        S.Version = 1;
        await state.WriteStateAsync();
        await index.PutSubjectAsync(Entry());
        return Profile();
    }

    public Task<DataSubjectProfile?> GetProfile() => Task.FromResult(state.RecordExists ? Profile() : null);

    public async Task<IReadOnlyList<ConsentRecord>> ListConsents()
    {
        if (!state.RecordExists)
        {
            return [];
        }
        await RecordExpiriesAsync();
        return [.. S.Consents];
    }

    public async Task<ConsentRecord> Give(string recordId, ConsentTerms terms, ConsentNotice notice, string language)
    {
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(notice);
        EnsureActive();
        var now = calendar.Now;
        var normalized = Normalize(terms, notice);
        if (S.Consents.Find(c => c.RecordId == recordId) is { } existing)
        {
            // The same consent again (a retry whose answer was lost) is done already.
            return existing.Terms == normalized && existing.NoticeId == notice.NoticeId && existing.NoticeVersion == notice.Version
                ? existing
                : throw new DomainException(ErrorCodes.ConsentNotActive, $"Consent '{recordId}' already exists with other terms; change it instead.");
        }
        CheckTerms(normalized, notice, now);
        await RecordExpiriesAsync();
        if (S.Consents.Count >= MaxConsents)
        {
            throw new DomainException(ErrorCodes.ConsentLimit,
                $"You already hold {MaxConsents} consent records (withdrawn and expired ones are kept as your record); change an existing consent instead.");
        }
        var record = new ConsentRecord(recordId, Key.SubjectId, Key.BankId, notice.NoticeId, notice.Version, language, normalized, [])
            .With(ConsentEventKind.Given, now, ConsentActor.Subject, Key.SubjectId);
        S.Consents.Add(record);
        AddReceipt(signer.Sign(record, notice, now));
        await state.WriteStateAsync();
        await index.PutAsync(record.ToGrant());
        return record;
    }

    public async Task<ConsentRecord> Change(string recordId, ConsentTerms terms, ConsentNotice notice)
    {
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(notice);
        EnsureActive();
        var now = calendar.Now;
        await RecordExpiriesAsync();
        var at = IndexOf(recordId);
        var current = S.Consents[at];
        if (current.StatusAt(now) != ConsentStatus.Active)
        {
            throw new DomainException(ErrorCodes.ConsentNotActive,
                $"Consent '{recordId}' is {WireNames.Of(current.StatusAt(now))}; give a new consent instead of changing it.");
        }
        if (notice.NoticeId != current.NoticeId)
        {
            throw new DomainException(ErrorCodes.ConsentNotPermittedByNotice,
                $"Consent '{recordId}' was given under notice '{current.NoticeId}'; a change is made under that notice's current version.");
        }
        var normalized = Normalize(terms, notice);
        CheckTerms(normalized, notice, now);
        if (normalized == current.Terms && notice.Version == current.NoticeVersion)
        {
            return current;
        }
        var changed = (current with { Terms = normalized, NoticeVersion = notice.Version })
            .With(ConsentEventKind.Changed, now, ConsentActor.Subject, Key.SubjectId);
        // In force first: a narrowing must hold from the next access even if storing it here fails.
        await index.PutAsync(changed.ToGrant());
        S.Consents[at] = changed;
        AddReceipt(signer.Sign(changed, notice, now));
        await state.WriteStateAsync();
        return changed;
    }

    public async Task<ConsentRecord> Withdraw(string recordId, ConsentActor actor, string actorId)
    {
        EnsureRegistered();
        var at = IndexOf(recordId);
        var current = S.Consents[at];
        if (current.WithdrawnAt is not null)
        {
            return current;
        }
        var now = calendar.Now;
        var withdrawn = current.With(ConsentEventKind.Withdrawn, now, actor, actorId);
        await index.PutAsync(withdrawn.ToGrant());
        S.Consents[at] = withdrawn;
        AddReceipt(signer.Sign(withdrawn, await NoticeOf(withdrawn), now));
        await state.WriteStateAsync();
        return withdrawn;
    }

    public Task<IReadOnlyList<ConsentReceipt>> ListReceipts() => Task.FromResult<IReadOnlyList<ConsentReceipt>>([.. S.Receipts]);

    public async Task<DataSubjectProfile> SetAggregateOptOut(bool optOut)
    {
        EnsureRegistered();
        if (S.AggregateOptOut != optOut)
        {
            S.AggregateOptOut = optOut;
            S.Version++;
            if (optOut)
            {
                // Leaving statistics holds from the next query even if storing it here fails.
                await index.PutSubjectAsync(Entry());
                await state.WriteStateAsync();
            }
            else
            {
                await state.WriteStateAsync();
                await index.PutSubjectAsync(Entry());
            }
        }
        return Profile();
    }

    public async Task<DataSubjectProfile> RequestDeletion(string actorId)
    {
        EnsureRegistered();
        var now = calendar.Now;
        if (S.DeletionRequestedAt is null)
        {
            S.DeletionRequestedAt = now;
            S.AggregateOptOut = true;
            S.Version++;
            await index.PutSubjectAsync(Entry());
        }
        for (var i = 0; i < S.Consents.Count; i++)
        {
            var current = S.Consents[i];
            if (current.WithdrawnAt is null)
            {
                var withdrawn = current.With(ConsentEventKind.Withdrawn, now, ConsentActor.Subject, actorId);
                await index.PutAsync(withdrawn.ToGrant());
                S.Consents[i] = withdrawn;
                AddReceipt(signer.Sign(withdrawn, await NoticeOf(withdrawn), now));
            }
        }
        await state.WriteStateAsync();
        return Profile();
    }

    public async Task<DataSubjectProfile> CompleteDeletion()
    {
        EnsureRegistered();
        if (S.DeletionRequestedAt is null)
        {
            throw new DomainException(ErrorCodes.SubjectNotFound, "No deletion was requested for this person.");
        }
        if (S.DeletionCompletedAt is null)
        {
            S.DeletionCompletedAt = calendar.Now;
            S.Version++;
            await state.WriteStateAsync();
            await index.PutSubjectAsync(Entry());
        }
        return Profile();
    }

    public async Task Reconcile()
    {
        if (!state.RecordExists)
        {
            return;
        }
        await CatchUpWithIndexAsync();
        await index.PutSubjectAsync(Entry());
        foreach (var record in S.Consents)
        {
            await index.PutAsync(record.ToGrant());
        }
    }

    /// <summary>
    /// What is in force wins over what was stored here: a change, a withdrawal or a step of the person's standing is
    /// put in force before it is stored, and when storing it failed the index is ahead of this state. Without this,
    /// the person's next change would reuse the version the index already holds and be refused there (left out of
    /// force), and the person would be shown terms that are not the ones applied. Each record caught up gets a receipt.
    /// </summary>
    private async Task CatchUpWithIndexAsync()
    {
        var now = calendar.Now;
        var changed = false;
        foreach (var inForce in await index.FindBySubjectsAsync(Key.BankId, [Key.SubjectId]))
        {
            var at = S.Consents.FindIndex(r => r.RecordId == inForce.RecordId);
            if (at >= 0 && inForce.Version > S.Consents[at].Version)
            {
                var caughtUp = S.Consents[at].CatchUp(inForce, now);
                S.Consents[at] = caughtUp;
                AddReceipt(signer.Sign(caughtUp, await NoticeOf(caughtUp), now));
                changed = true;
            }
        }
        if ((await index.FindSubjectsAsync(Key.BankId, [Key.SubjectId])).FirstOrDefault() is { } standing && standing.Version > S.Version)
        {
            S.AggregateOptOut = standing.AggregateOptOut;
            S.DeletionRequestedAt ??= standing.DeletionRequestedAt;
            S.Version = standing.Version;
            changed = true;
        }
        if (changed)
        {
            await state.WriteStateAsync();
        }
    }

    /// <summary>Records an expiry event (with its receipt) for each consent that ran out since it was last looked at.</summary>
    private async Task RecordExpiriesAsync()
    {
        var now = calendar.Now;
        var changed = false;
        for (var i = 0; i < S.Consents.Count; i++)
        {
            var record = S.Consents[i];
            if (record.StatusAt(now) == ConsentStatus.Expired && record.Events.All(e => e.Kind != ConsentEventKind.Expired)
                && record.Events.Count < ConsentRecord.MaxEvents)
            {
                var expired = record.With(ConsentEventKind.Expired, record.Terms.ExpiresAt, ConsentActor.System, "marketplace");
                S.Consents[i] = expired;
                AddReceipt(signer.Sign(expired, await NoticeOf(expired), now));
                changed = true;
            }
        }
        if (changed)
        {
            await state.WriteStateAsync();
            foreach (var record in S.Consents.Where(r => r.Events[^1].Kind == ConsentEventKind.Expired))
            {
                await index.PutAsync(record.ToGrant());
            }
        }
    }

    private async Task<ConsentNotice> NoticeOf(ConsentRecord record) =>
        await GrainFactory.GetGrain<IConsentNoticeGrain>(ConsentNoticeKeys.Of(record.BankId, record.NoticeId)).Get(record.NoticeVersion)
            ?? throw new DomainException(ErrorCodes.NoticeNotFound, $"Notice '{record.NoticeId}' version {record.NoticeVersion} is missing.");

    private static ConsentTerms Normalize(ConsentTerms terms, ConsentNotice notice) =>
        terms.Items.Count == 0 && notice.Items.Count > 0 ? terms with { Items = notice.Items } : terms;

    private void CheckTerms(ConsentTerms terms, ConsentNotice notice, DateTimeOffset now)
    {
        if (notice.BankId != Key.BankId)
        {
            throw new DomainException(ErrorCodes.NoticeNotFound, $"Notice '{notice.NoticeId}' is not one of your bank's notices.");
        }
        terms.Validate(now);
        if (!notice.Permits(terms, out var why))
        {
            throw new DomainException(ErrorCodes.ConsentNotPermittedByNotice, why);
        }
    }

    private void AddReceipt(ConsentReceipt receipt)
    {
        S.Receipts.Add(receipt);
        if (S.Receipts.Count > MaxReceipts)
        {
            S.Receipts.RemoveRange(0, S.Receipts.Count - MaxReceipts);
        }
    }

    private int IndexOf(string recordId)
    {
        var at = S.Consents.FindIndex(c => c.RecordId == recordId);
        return at >= 0 ? at : throw new DomainException(ErrorCodes.ConsentNotFound, $"You have no consent '{TextBounds.Shorten(recordId)}'.");
    }

    private void EnsureRegistered()
    {
        if (!state.RecordExists)
        {
            throw new DomainException(ErrorCodes.SubjectNotFound, $"No data subject '{Key.SubjectId}' is registered at bank '{Key.BankId}'.");
        }
    }

    private void EnsureActive()
    {
        EnsureRegistered();
        if (S.DeletionRequestedAt is not null)
        {
            throw new DomainException(ErrorCodes.SubjectDeleted, "You asked for your data to be deleted, so no new consent can be given.");
        }
    }

    private SubjectEntry Entry() => new(Key.BankId, Key.SubjectId, S.AggregateOptOut, S.DeletionRequestedAt, S.Version);

    private DataSubjectProfile Profile() =>
        new(Key.BankId, Key.SubjectId, S.DisplayName, S.RegisteredAt, S.AggregateOptOut, S.DeletionRequestedAt, S.DeletionCompletedAt, S.Version);
}
