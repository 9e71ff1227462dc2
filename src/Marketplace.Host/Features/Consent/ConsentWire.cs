using Marketplace.Application.Consent;
using Marketplace.Domain;
using Marketplace.Grains;
using Marketplace.Storage;

namespace Marketplace.Host.Features.Consent;

/// <summary>What a person consents to, as the API takes it (enum names as on the wire: public-body, academic, commercial).</summary>
public sealed record ConsentRequest(
    string? NoticeId,
    int? NoticeVersion,
    IReadOnlyList<string>? Items,
    IReadOnlyList<string>? Purposes,
    IReadOnlyList<string>? Recipients,
    IReadOnlyList<string>? RecipientClasses,
    DateTimeOffset? ExpiresAt,
    bool SensitiveExplicit = false,
    string? Language = null);

public sealed record ConsentEventResponse(string Kind, DateTimeOffset At, string Actor, string ActorId, int Version);

/// <summary>A consent record (ISO/IEC TS 27560 shape) with its status now and the notice version it was given under.</summary>
public sealed record ConsentResponse(
    string Id,
    string SubjectId,
    string BankId,
    string Status,
    string NoticeId,
    int NoticeVersion,
    string NoticeTitle,
    string Language,
    string Scope,
    IReadOnlyList<string> Items,
    IReadOnlyList<string> Purposes,
    IReadOnlyList<string> Recipients,
    IReadOnlyList<string> RecipientClasses,
    bool SensitiveExplicit,
    DateTimeOffset ExpiresAt,
    int Version,
    IReadOnlyList<ConsentEventResponse> Events);

public sealed record ConsentListResponse(IReadOnlyList<ConsentResponse> Items);

public sealed record ReceiptResponse(string Id, string ConsentId, int Version, string Kind, DateTimeOffset IssuedAt, string KeyId, string Jws);

public sealed record ReceiptListResponse(IReadOnlyList<ReceiptResponse> Items);

/// <summary>A receipt with the consent record it speaks for, as the ISO/IEC TS 27560 document that was signed.</summary>
public sealed record ReceiptDocumentResponse(ReceiptResponse Receipt, System.Text.Json.JsonElement Record);

public sealed record ProvisionResponse(
    string EventId, string ContractId, string BuyerId, string DatasetId, string Purpose, string ConsentId,
    IReadOnlyList<string> Items, long Records, bool Aggregate, DateTimeOffset At, string Period);

public sealed record ProvisionListResponse(IReadOnlyList<ProvisionResponse> Items, string? Next);

public sealed record SubjectResponse(
    string BankId, string SubjectId, string DisplayName, DateTimeOffset RegisteredAt, bool StatisticsOptOut,
    DateTimeOffset? DeletionRequestedAt, DateTimeOffset? DeletionCompletedAt);

public sealed record StatisticsRequest(bool? OptOut);

/// <summary>What a person's data earned them in one billing period (integer minor units: yen have none).</summary>
public sealed record EarningsResponse(string Period, long AmountMinor, string Currency, int Contracts, int Buyers, long Records, long Counted);

public sealed record EarningsListResponse(IReadOnlyList<EarningsResponse> Items);

public sealed record RegisterSubjectRequest(string? SubjectId, string? DisplayName, string? SignIn);

/// <summary>A person just registered: their one-time password (for the portal) and API key, each shown only here.</summary>
public sealed record RegisteredSubjectResponse(SubjectResponse Subject, string? SignIn, string? OneTimePassword, string ApiKey);

public sealed record NoticeRecipientWire(string? PartyId, string? Class, string? Name, string? Country, string? PrivacyRegime);

public sealed record NoticeRequest(
    string? Scope,
    string? Language,
    string? Title,
    IReadOnlyList<string>? Items,
    IReadOnlyList<string>? Purposes,
    IReadOnlyList<NoticeRecipientWire?>? Recipients,
    int RetentionDays,
    string? StorageLocation,
    string? Benefit,
    string? WithdrawalMethod,
    string? Contact);

/// <summary>A notice (ISO/IEC 29184 shape): what a person reads before consenting.</summary>
public sealed record NoticeResponse(
    string Id,
    int Version,
    string BankId,
    string Scope,
    string Language,
    string Title,
    IReadOnlyList<string> Items,
    IReadOnlyList<string> Purposes,
    IReadOnlyList<NoticeRecipientWire> Recipients,
    int RetentionDays,
    string StorageLocation,
    string Benefit,
    string WithdrawalMethod,
    string Contact,
    DateTimeOffset PublishedAt);

public sealed record NoticeListResponse(IReadOnlyList<NoticeResponse> Items);

public sealed record ReviewRequest(string? Class, IReadOnlyList<string>? Purposes, string? Note, bool Approved = true);

public sealed record ReviewResponse(
    string BankId, string BuyerId, string Class, IReadOnlyList<string> Purposes, IReadOnlyList<string> Certifications,
    string Note, string ReviewerId, DateTimeOffset ReviewedAt, bool Approved);

public sealed record ReviewListResponse(IReadOnlyList<ReviewResponse> Items);

/// <summary>How many people consent now (a count under <see cref="ConsentWire.CountFloor"/> is shown as "fewer than", so no one is singled out).</summary>
public sealed record ConsentCountResponse(string Purpose, string RecipientClass, long? People, bool FewerThanFloor);

public sealed record ConsentCountListResponse(string DatasetId, int Floor, IReadOnlyList<ConsentCountResponse> Items);

public static class ConsentWire
{
    /// <summary>Counts of consenting people below this are not shown exactly (a buyer or visitor could otherwise single someone out).</summary>
    public const int CountFloor = 10;

    public static ConsentChoice ToChoice(this ConsentRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var classes = Wire.Entries(request.RecipientClasses, "recipientClasses").Select(c => Wire.ParseEnum<RecipientClass>(c, "recipientClasses")).ToList();
        return new ConsentChoice(null, request.NoticeId?.Trim(), request.NoticeVersion, Wire.Entries(request.Items, "items"),
            Wire.Entries(request.Purposes, "purposes"), Wire.Entries(request.Recipients, "recipients"), classes, request.ExpiresAt,
            request.SensitiveExplicit, request.Language);
    }

    public static ConsentResponse ToResponse(this ConsentRecordView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var r = view.Record;
        return new ConsentResponse(r.RecordId, r.SubjectId, r.BankId, Wire.Name(view.Status), r.NoticeId, r.NoticeVersion, view.Notice.Title, r.Language,
            r.Terms.Scope.ToString(), r.Terms.Items, r.Terms.Purposes, r.Terms.RecipientParties, [.. r.Terms.RecipientClasses.Select(Wire.Name)],
            r.Terms.SensitiveExplicit, r.Terms.ExpiresAt, r.Version,
            [.. r.Events.Select(e => new ConsentEventResponse(Wire.Name(e.Kind), e.At, Wire.Name(e.Actor), e.ActorId, e.Version))]);
    }

    public static ReceiptResponse ToResponse(this ConsentReceipt r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new ReceiptResponse(r.ReceiptId, r.RecordId, r.Version, Wire.Name(r.Kind), r.IssuedAt, r.KeyId, r.Jws);
    }

    public static ProvisionResponse ToResponse(this Provision p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return new ProvisionResponse(p.EventId, p.ContractId, p.BuyerId, p.DatasetId, p.Purpose, p.ConsentRecordId, p.Items, p.Records, p.Aggregate, p.At, p.Period);
    }

    public static SubjectResponse ToResponse(this DataSubjectProfile p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return new SubjectResponse(p.BankId, p.SubjectId, p.DisplayName, p.RegisteredAt, p.AggregateOptOut, p.DeletionRequestedAt, p.DeletionCompletedAt);
    }

    public static NoticeDraft ToDraft(this NoticeRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var recipients = Wire.Entries(r.Recipients, "recipients")
            .Select(x => new NoticeRecipient(string.IsNullOrWhiteSpace(x.PartyId) ? null : x.PartyId.Trim(), Wire.ParseEnum<RecipientClass>(x.Class, "recipients.class"),
                x.Name?.Trim() ?? "", x.Country?.Trim() ?? "", string.IsNullOrWhiteSpace(x.PrivacyRegime) ? null : x.PrivacyRegime.Trim()))
            .ToList();
        return new NoticeDraft(r.Scope, r.Language, r.Title, Wire.Entries(r.Items, "items"), Wire.Entries(r.Purposes, "purposes"), recipients,
            r.RetentionDays, r.StorageLocation, r.Benefit, r.WithdrawalMethod, r.Contact);
    }

    public static NoticeResponse ToResponse(this ConsentNotice n)
    {
        ArgumentNullException.ThrowIfNull(n);
        return new NoticeResponse(n.NoticeId, n.Version, n.BankId, n.Scope.ToString(), n.Language, n.Title, n.Items, n.Purposes,
            [.. n.Recipients.Select(x => new NoticeRecipientWire(x.PartyId, Wire.Name(x.Class), x.Name, x.Country, x.PrivacyRegime))],
            n.RetentionDays, n.StorageLocation, n.Benefit, n.WithdrawalMethod, n.Contact, n.PublishedAt);
    }

    public static ReviewResponse ToResponse(this RecipientReview r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new ReviewResponse(r.BankId, r.BuyerId, Wire.Name(r.Class), r.ApprovedPurposes, r.Certifications, r.Note, r.ReviewerId, r.ReviewedAt, r.Approved);
    }

    public static ConsentCountResponse ToResponse(this ConsentCount c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var fewer = c.People < CountFloor;
        return new ConsentCountResponse(c.Purpose, Wire.Name(c.RecipientClass), fewer ? null : c.People, fewer);
    }
}
