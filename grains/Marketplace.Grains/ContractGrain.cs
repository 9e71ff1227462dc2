using Marketplace.Domain;
using Marketplace.Storage;

namespace Marketplace.Grains;

[GenerateSerializer, Alias("Marketplace.ContractState")]
public sealed class ContractState
{
    [Id(0)] public string BuyerId { get; set; } = "";
    [Id(1)] public string Purpose { get; set; } = "";
    [Id(2)] public ContractTerms? Terms { get; set; }
    [Id(3)] public ContractStatus Status { get; set; }
    [Id(4)] public DateTimeOffset RequestedAt { get; set; }
    [Id(5)] public DateTimeOffset? ActivatedAt { get; set; }
    [Id(6)] public DateTimeOffset? EndsAt { get; set; }
    [Id(7)] public List<ContractEvent> History { get; set; } = [];

    /// <summary>The silos given access leases since the last change revoked them (<see cref="AccessLeaseRegistry"/>).</summary>
    [Id(8)] public List<IAccessLeaseObserver>? LeasedTo { get; set; }
}

[GrainType("contract")]
public sealed class ContractGrain(
    [PersistentState("contract", GrainStorage.Name)] IPersistentState<ContractState> state,
    IHoldingsIndex holdings,
    OperationJournal journal,
    BillingCalendar calendar) : Grain, IContractGrain
{
    private IUsageMeterGrain? _meter;
    private PartyStandingCache? _standing;
    private readonly AccessLeaseRegistry _leases = new(calendar.Time);

    private ContractState S => state.State;

    private string Id => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _leases.Activated(S.LeasedTo);
        return base.OnActivateAsync(cancellationToken);
    }

    public async Task<ContractView> Open(string buyerId, string purpose, ContractTerms terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        if (S.Terms is not null)
        {
            if (S.BuyerId != buyerId || S.Purpose != purpose || S.Terms != terms)
            {
                throw new DomainException(ErrorCodes.ContractExists, $"Contract '{Id}' already exists.");
            }
            // The same contract again (a subscription retried after an interruption): complete its index entry.
            await holdings.PutContractAsync(Entry());
            return View();
        }
        // Refused before anything changes: a refusal leaves the memory as the store holds it.
        var automatic = terms.Approval == ApprovalMode.Automatic;
        if (automatic)
        {
            ContractLifecycle.Apply(ContractStatus.Requested, ContractAction.Activate, Actor.System, terms.DatasetClass);
        }
        var intent = await journal.BeginAsync(new Reconciliation(Reconciliation.Contract, Id));
        S.BuyerId = buyerId;
        S.Purpose = purpose;
        S.Terms = terms;
        S.Status = ContractStatus.Requested;
        S.RequestedAt = calendar.Now;
        S.History.Add(new ContractEvent(S.RequestedAt, ContractStatus.Requested, Action: null, Actor.Buyer, buyerId, "requested"));
        if (automatic)
        {
            Apply(ContractAction.Activate, Actor.System, "marketplace", "approved automatically");
        }
        await state.WriteStateAsync();
        await holdings.PutContractAsync(Entry());
        await journal.EndAsync(intent);
        return View();
    }

    public async Task Reconcile()
    {
        if (S.Terms is not null)
        {
            await holdings.PutContractAsync(Entry());
        }
    }

    private ContractEntry Entry() => ContractIndexing.EntryOf(Id, S.BuyerId, S.Purpose, S.Terms!, S.Status, S.RequestedAt);

    public Task<ContractView?> Get() => Task.FromResult(S.Terms is null ? null : View());

    public async Task<ContractView> Transition(ContractAction action, ApiPrincipal actor, string? reason)
    {
        ArgumentNullException.ThrowIfNull(actor);
        // An operator may act on any contract, but only on one that exists: without terms there is nothing to
        // approve or end, and writing the transition would store a contract out of nothing.
        if (S.Terms is null)
        {
            throw NotFound();
        }
        var role = RoleOf(actor) ?? throw NotFound();
        TextBounds.Check(reason, TextBounds.Reason, "reason");
        if (S.History is [.., var last] && last.Action == action && last.ActorId == actor.PartyId && last.To == S.Status)
        {
            // The same party repeating the transition that brought the contract here (a retry): it is done;
            // complete the index entry its first attempt may have left behind.
            await holdings.PutContractAsync(Entry());
            return View();
        }
        // Refused before anything changes (not even the lazy expiry): a refusal leaves the memory as stored.
        ContractLifecycle.Apply(EffectiveStatus(), action, role, S.Terms.DatasetClass);
        // No silo serves from this contract's lease once the transition is acknowledged.
        await _leases.RevokeAsync(observer => observer.RevokeContract(Id));
        S.LeasedTo = null; // written with the change
        ExpireIfEnded();
        Apply(action, role, actor.PartyId, reason);
        var intent = await journal.BeginAsync(new Reconciliation(Reconciliation.Contract, Id));
        await state.WriteStateAsync();
        await holdings.PutContractAsync(Entry());
        await journal.EndAsync(intent);
        return View();
    }

    public async Task<AccessGrant> Authorize(string buyerId, long unitsWanted, string holdId)
    {
        if (S.Terms is null || S.BuyerId != buyerId)
        {
            throw NotFound();
        }
        var terms = S.Terms;
        var period = calendar.CurrentPeriod();
        var status = EffectiveStatus();
        if (status != ContractStatus.Active)
        {
            return Deny(status == ContractStatus.Expired ? AccessDenial.ContractEnded : AccessDenial.NotActive,
                $"Contract '{Id}' is {WireNames.Of(status)}; only an active contract gives access to data.", period);
        }
        _standing ??= new PartyStandingCache(GrainFactory, calendar.Time, terms.ProviderId, S.BuyerId);
        if (await _standing.SuspendedPartyAsync() is { } suspended)
        {
            return Deny(AccessDenial.PartySuspended, suspended == S.BuyerId
                ? $"Your party '{suspended}' is suspended by the marketplace operator; no data is served to it."
                : $"The provider '{suspended}' is suspended by the marketplace operator; its data is not served until it is reinstated.", period);
        }

        var request = ContractAccess.RequestOf(terms, S.Purpose, S.EndsAt, unitsWanted, period, calendar.Now);
        // Only a capped plan needs the period's usage: the meter decides it against committed usage plus the
        // units that requests in flight hold, and holds what it grants until this request is metered.
        var decision = terms.Policy.MaxUnitsPerPeriod is null
            ? terms.Policy.Evaluate(request)
            : await Meter.Hold(new QuotaHold(holdId, terms.Policy, terms.Pricing, request));
        return ContractAccess.GrantOf(decision, terms, S.Purpose, unitsWanted, period);
    }

    public async Task<AccessLease?> Lease(string buyerId, IAccessLeaseObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        if (S.Terms is null || S.BuyerId != buyerId)
        {
            throw NotFound();
        }
        var terms = S.Terms;
        // Only what a silo can decide as this grain would, without asking: no quota, records may leave.
        if (EffectiveStatus() != ContractStatus.Active || terms.Policy.MaxUnitsPerPeriod is not null || terms.Policy.AggregateOnly
            || !terms.Policy.Evaluate(ContractAccess.RequestOf(terms, S.Purpose, S.EndsAt, 1, calendar.CurrentPeriod(), calendar.Now)).Allowed)
        {
            return null;
        }
        _standing ??= new PartyStandingCache(GrainFactory, calendar.Time, terms.ProviderId, S.BuyerId);
        if (await _standing.SuspendedPartyAsync() is not null)
        {
            return null;
        }
        // Never past the standing check's window (a suspension takes effect as it does without a lease) nor the end date.
        var validFor = Min(AccessLeaseTerms.Lifetime, _standing.FreshFor);
        if (S.EndsAt is { } end)
        {
            validFor = Min(validFor, end - calendar.Now);
        }
        if (validFor <= TimeSpan.Zero)
        {
            return null;
        }
        var dataset = await GrainFactory.GetGrain<IDatasetGrain>(terms.DatasetId).Lease(observer, validFor);
        if (dataset is null || !await _leases.TryRegisterAsync(observer, validFor, StoreLeasedAsync))
        {
            return null;
        }
        return new AccessLease(Id, S.BuyerId, S.Purpose, terms, S.EndsAt, dataset, validFor);
    }

    private Task StoreLeasedAsync(IReadOnlyList<IAccessLeaseObserver> leasedTo)
    {
        S.LeasedTo = [.. leasedTo];
        return state.WriteStateAsync();
    }

    private static TimeSpan Min(TimeSpan left, TimeSpan right) => left <= right ? left : right;

    /// <summary>Kept between calls: resolving a grain reference is not free and Authorize is the hot path.</summary>
    private IUsageMeterGrain Meter => _meter ??= GrainFactory.GetGrain<IUsageMeterGrain>(UsageMeterKey.For(Id));

    private AccessGrant Deny(AccessDenial denial, string reason, BillingPeriod period) => ContractAccess.Denied(denial, reason, S.Terms!, S.Purpose, period);

    private void Apply(ContractAction action, Actor actor, string actorId, string? reason)
    {
        var next = ContractLifecycle.Apply(S.Status, action, actor, S.Terms!.DatasetClass);
        var now = calendar.Now;
        if (next == ContractStatus.Active && S.ActivatedAt is null)
        {
            S.ActivatedAt = now;
            S.EndsAt = S.Terms!.Policy.ContractEndFor(now);
        }
        S.Status = next;
        S.History.Add(new ContractEvent(now, next, action, actor, actorId, reason));
    }

    /// <summary>An active contract past its end date is expired; persisted at the next write.</summary>
    private void ExpireIfEnded()
    {
        if (EffectiveStatus() == ContractStatus.Expired && S.Status != ContractStatus.Expired)
        {
            Apply(ContractAction.Expire, Actor.System, "marketplace", "the contract's end date passed");
        }
    }

    private ContractStatus EffectiveStatus() =>
        S.Status is ContractStatus.Active or ContractStatus.Suspended && S.EndsAt is { } end && calendar.Now >= end
            ? ContractStatus.Expired
            : S.Status;

    private Actor? RoleOf(ApiPrincipal actor) => S.Terms is null ? null : Tenancy.ActorIn(actor, S.Terms.ProviderId, S.BuyerId);

    private DomainException NotFound() => new(ErrorCodes.ContractNotFound, $"There is no contract '{Id}'.");

    private ContractView View() =>
        new(Id, S.BuyerId, S.Purpose, S.Terms!, EffectiveStatus(), S.RequestedAt, S.ActivatedAt, S.EndsAt, [.. S.History]);
}
