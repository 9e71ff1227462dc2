using Marketplace.Domain;

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
}

public sealed class ContractGrain(
    [PersistentState("contract", GrainStorage.Name)] IPersistentState<ContractState> state,
    BillingCalendar calendar) : Grain, IContractGrain
{
    private IUsageMeterGrain? _meter;
    private string? _meterPeriod;

    private ContractState S => state.State;

    private string Id => this.GetPrimaryKeyString();

    public async Task<ContractView> Open(string buyerId, string purpose, ContractTerms terms)
    {
        if (S.Terms is not null)
        {
            throw new DomainException(ErrorCodes.ContractExists, $"Contract '{Id}' already exists.");
        }
        S.BuyerId = buyerId;
        S.Purpose = purpose;
        S.Terms = terms;
        S.Status = ContractStatus.Requested;
        S.RequestedAt = calendar.Now;
        S.History.Add(new ContractEvent(S.RequestedAt, ContractStatus.Requested, Action: null, Actor.Buyer, buyerId, "requested"));
        if (terms.Approval == ApprovalMode.Automatic)
        {
            Apply(ContractAction.Activate, Actor.System, "marketplace", "approved automatically");
        }
        await state.WriteStateAsync();
        return View();
    }

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
        ExpireIfEnded();
        Apply(action, role, actor.PartyId, reason);
        await state.WriteStateAsync();
        return View();
    }

    public async Task<AccessGrant> Authorize(string buyerId, long unitsWanted)
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
                $"Contract '{Id}' is {status}; only an active contract gives access to data.", period);
        }

        // Only a capped plan needs the period's usage; the meter keeps its totals in memory.
        long usedUnits = 0;
        if (terms.Policy.MaxUnitsPerPeriod is not null)
        {
            var totals = await MeterOf(period).GetTotals();
            usedUnits = terms.Pricing.BillableUnits(totals.Units);
        }
        var wanted = terms.Pricing.Unit == UsageUnit.Record ? unitsWanted : 1;
        var decision = terms.Policy.Evaluate(new AccessRequest(S.Purpose, calendar.Now, S.EndsAt, usedUnits, wanted));
        if (!decision.Allowed)
        {
            var denial = decision.Denial switch
            {
                PolicyDenial.PurposeNotPermitted => AccessDenial.PurposeNotPermitted,
                PolicyDenial.ContractEnded => AccessDenial.ContractEnded,
                _ => AccessDenial.QuotaExceeded,
            };
            var reason = denial == AccessDenial.QuotaExceeded
                ? $"{decision.Reason} The period {period.Id} renews on {TimeZoneInfo.ConvertTime(period.End, calendar.Zone):yyyy-MM-dd}."
                : decision.Reason;
            return Deny(denial, reason, period);
        }
        var granted = terms.Pricing.Unit == UsageUnit.Record ? decision.UnitsGranted : unitsWanted;
        return new AccessGrant(true, AccessDenial.None, "", granted, terms.DatasetId, terms.Pricing.Unit, period.Id);
    }

    private IUsageMeterGrain MeterOf(BillingPeriod period)
    {
        // Kept between calls: resolving a grain reference is not free and Authorize is the hot path.
        if (_meterPeriod != period.Id)
        {
            _meter = GrainFactory.GetGrain<IUsageMeterGrain>(UsageMeterKey.For(Id, period.Id));
            _meterPeriod = period.Id;
        }
        return _meter!;
    }

    private AccessGrant Deny(AccessDenial denial, string reason, BillingPeriod period) =>
        new(false, denial, reason, 0, S.Terms!.DatasetId, S.Terms.Pricing.Unit, period.Id);

    private void Apply(ContractAction action, Actor actor, string actorId, string? reason)
    {
        var next = ContractLifecycle.Apply(S.Status, action, actor);
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

    private Actor? RoleOf(ApiPrincipal actor) => actor.Role switch
    {
        PartyRole.Operator => Actor.Operator,
        PartyRole.Provider when S.Terms?.ProviderId == actor.PartyId => Actor.Provider,
        PartyRole.Buyer when S.Terms is not null && S.BuyerId == actor.PartyId => Actor.Buyer,
        _ => null,
    };

    private DomainException NotFound() => new(ErrorCodes.ContractNotFound, $"There is no contract '{Id}'.");

    private ContractView View() =>
        new(Id, S.BuyerId, S.Purpose, S.Terms!, EffectiveStatus(), S.RequestedAt, S.ActivatedAt, S.EndsAt, [.. S.History]);
}
