namespace Marketplace.Domain;

/// <summary>
/// The one catalogue of error codes. A code's kind is fixed here, so the answer to a broken rule never
/// depends on how its code is spelled. (Codes for an invalid request field come from <see cref="DomainErrorCode.InvalidField"/>.)
/// </summary>
public static class ErrorCodes
{
    public static readonly DomainErrorCode DomainError = new("domain.error", ErrorKind.Invalid);
    public static readonly DomainErrorCode AccessNotPermitted = new("access.not-permitted", ErrorKind.Forbidden);
    public static readonly DomainErrorCode AccessQuotaExceeded = new("access.quota-exceeded", ErrorKind.Quota);
    public static readonly DomainErrorCode ApikeyExists = new("apikey.exists", ErrorKind.Conflict);
    public static readonly DomainErrorCode ContractExists = new("contract.exists", ErrorKind.Conflict);
    public static readonly DomainErrorCode ContractIllegalTransition = new("contract.illegal-transition", ErrorKind.Conflict);
    public static readonly DomainErrorCode ContractNotFound = new("contract.not-found", ErrorKind.NotFound);
    public static readonly DomainErrorCode ContractNotPermitted = new("contract.not-permitted", ErrorKind.Forbidden);
    public static readonly DomainErrorCode ContractPurposeMissing = new("contract.purpose-missing", ErrorKind.Invalid);
    public static readonly DomainErrorCode CurrencyUnknown = new("currency.unknown", ErrorKind.Invalid);
    public static readonly DomainErrorCode CursorInvalid = new("cursor.invalid", ErrorKind.Invalid);
    public static readonly DomainErrorCode DatasetExists = new("dataset.exists", ErrorKind.Conflict);
    public static readonly DomainErrorCode DatasetInvalidLicence = new("dataset.invalid-licence", ErrorKind.Invalid);
    public static readonly DomainErrorCode DatasetInvalidTemporal = new("dataset.invalid-temporal", ErrorKind.Invalid);
    public static readonly DomainErrorCode DatasetInvalidTitle = new("dataset.invalid-title", ErrorKind.Invalid);
    public static readonly DomainErrorCode DatasetNoData = new("dataset.no-data", ErrorKind.Conflict);
    public static readonly DomainErrorCode DatasetNotFound = new("dataset.not-found", ErrorKind.NotFound);
    public static readonly DomainErrorCode FilterInvalid = new("filter.invalid", ErrorKind.Invalid);
    public static readonly DomainErrorCode IdempotencyKeyConflict = new("idempotency-key.conflict", ErrorKind.Conflict);
    public static readonly DomainErrorCode IdempotencyKeyInvalid = new("idempotency-key.invalid", ErrorKind.Invalid);
    public static readonly DomainErrorCode LimitInvalid = new("limit.invalid", ErrorKind.Invalid);
    public static readonly DomainErrorCode MoneyCurrencyMismatch = new("money.currency-mismatch", ErrorKind.Invalid);
    public static readonly DomainErrorCode OfferingDatasetMissing = new("offering.dataset-missing", ErrorKind.Invalid);
    public static readonly DomainErrorCode OfferingExists = new("offering.exists", ErrorKind.Conflict);
    public static readonly DomainErrorCode OfferingNoBuyers = new("offering.no-buyers", ErrorKind.Invalid);
    public static readonly DomainErrorCode OfferingNoData = new("offering.no-data", ErrorKind.Conflict);
    public static readonly DomainErrorCode OfferingNotFound = new("offering.not-found", ErrorKind.NotFound);
    public static readonly DomainErrorCode OfferingNotListed = new("offering.not-listed", ErrorKind.Conflict);
    public static readonly DomainErrorCode OfferingPublicMustBeFree = new("offering.public-must-be-free", ErrorKind.Invalid);
    public static readonly DomainErrorCode OfferingPurposeNotPermitted = new("offering.purpose-not-permitted", ErrorKind.Invalid);
    public static readonly DomainErrorCode PagingInvalid = new("paging.invalid", ErrorKind.Invalid);
    public static readonly DomainErrorCode PartyExists = new("party.exists", ErrorKind.Conflict);
    public static readonly DomainErrorCode PartyInvalidName = new("party.invalid-name", ErrorKind.Invalid);
    public static readonly DomainErrorCode PartyNotFound = new("party.not-found", ErrorKind.NotFound);
    public static readonly DomainErrorCode PeriodInvalid = new("period.invalid", ErrorKind.Invalid);
    public static readonly DomainErrorCode PolicyInvalidPurpose = new("policy.invalid-purpose", ErrorKind.Invalid);
    public static readonly DomainErrorCode PolicyInvalidQuota = new("policy.invalid-quota", ErrorKind.Invalid);
    public static readonly DomainErrorCode PolicyInvalidTerm = new("policy.invalid-term", ErrorKind.Invalid);
    public static readonly DomainErrorCode PricingInconsistent = new("pricing.inconsistent", ErrorKind.Invalid);
    public static readonly DomainErrorCode PricingInvalidBlock = new("pricing.invalid-block", ErrorKind.Invalid);
    public static readonly DomainErrorCode PricingInvalidIncludedUnits = new("pricing.invalid-included-units", ErrorKind.Invalid);
    public static readonly DomainErrorCode PricingInvalidKind = new("pricing.invalid-kind", ErrorKind.Invalid);
    public static readonly DomainErrorCode PricingInvalidTiers = new("pricing.invalid-tiers", ErrorKind.Invalid);
    public static readonly DomainErrorCode PricingInvalidUnit = new("pricing.invalid-unit", ErrorKind.Invalid);
    public static readonly DomainErrorCode PricingMissingCurrency = new("pricing.missing-currency", ErrorKind.Invalid);
    public static readonly DomainErrorCode PricingNegativePrice = new("pricing.negative-price", ErrorKind.Invalid);
    public static readonly DomainErrorCode RevisionConflict = new("revision.conflict", ErrorKind.Conflict);
    public static readonly DomainErrorCode RevisionNotFound = new("revision.not-found", ErrorKind.NotFound);
    public static readonly DomainErrorCode RevisionRowsInvalid = new("revision.rows-invalid", ErrorKind.Unprocessable);
    public static readonly DomainErrorCode RevisionTooLarge = new("revision.too-large", ErrorKind.TooLarge);
    public static readonly DomainErrorCode RevisionUnsupportedMediaType = new("revision.unsupported-media-type", ErrorKind.UnsupportedMediaType);
    public static readonly DomainErrorCode SchemaDuplicateField = new("schema.duplicate-field", ErrorKind.Invalid);
    public static readonly DomainErrorCode SchemaInvalidField = new("schema.invalid-field", ErrorKind.Invalid);
    public static readonly DomainErrorCode SchemaInvalidFieldName = new("schema.invalid-field-name", ErrorKind.Invalid);
    public static readonly DomainErrorCode SchemaInvalidFieldType = new("schema.invalid-field-type", ErrorKind.Invalid);
    public static readonly DomainErrorCode SchemaInvalidSubjectField = new("schema.invalid-subject-field", ErrorKind.Invalid);
    public static readonly DomainErrorCode SchemaMissing = new("schema.missing", ErrorKind.Invalid);
    public static readonly DomainErrorCode SchemaNoFields = new("schema.no-fields", ErrorKind.Invalid);
    public static readonly DomainErrorCode SchemaSubjectRequired = new("schema.subject-required", ErrorKind.Invalid);
    public static readonly DomainErrorCode SchemaUnknownSubjectField = new("schema.unknown-subject-field", ErrorKind.Invalid);
    public static readonly DomainErrorCode UsageEmpty = new("usage.empty", ErrorKind.Invalid);
    public static readonly DomainErrorCode UsageInvalidEventId = new("usage.invalid-event-id", ErrorKind.Invalid);
    public static readonly DomainErrorCode UsageNegativeUnits = new("usage.negative-units", ErrorKind.Invalid);
    public static readonly DomainErrorCode UsageTooLarge = new("usage.too-large", ErrorKind.TooLarge);

    // Metering and brokered access
    public static readonly DomainErrorCode UsageTotalOverflow = new("usage.total-overflow", ErrorKind.Unprocessable);
    public static readonly DomainErrorCode UsageUnitsTooLarge = new("usage.units-too-large", ErrorKind.Unprocessable);
    public static readonly DomainErrorCode UsageEventRejected = new("usage.event-rejected", ErrorKind.Invalid);
    public static readonly DomainErrorCode FilterRepeated = new("filter.repeated", ErrorKind.Invalid);
    // h4: keys, parties, personal data, rate limits.
    public static readonly DomainErrorCode ApikeyNotFound = new("apikey.not-found", ErrorKind.NotFound);
    public static readonly DomainErrorCode ApikeyLimit = new("apikey.limit", ErrorKind.Conflict);
    public static readonly DomainErrorCode PartyInvalidReason = new("party.invalid-reason", ErrorKind.Invalid);
    public static readonly DomainErrorCode PartyNotSuspendable = new("party.not-suspendable", ErrorKind.Conflict);
    public static readonly DomainErrorCode DatasetPersonalNeedsInformationBank = new("dataset.personal-needs-information-bank", ErrorKind.Forbidden);
    public static readonly DomainErrorCode OfferingPersonalNeedsApproval = new("offering.personal-needs-approval", ErrorKind.Invalid);
    public static readonly DomainErrorCode RateLimited = new("request.rate-limited", ErrorKind.Quota);
    // h3: bounds on terms, prices and request texts.
    public static readonly DomainErrorCode PricingInvalidPrice = new("pricing.invalid-price", ErrorKind.Invalid);
    public static readonly DomainErrorCode TextTooLong = new("text.too-long", ErrorKind.Invalid);
    public static readonly DomainErrorCode ListTooLong = new("list.too-long", ErrorKind.Invalid);
    // h6: open data downloads.
    public static readonly DomainErrorCode OfferingNotDownloadable = new("offering.not-downloadable", ErrorKind.NotFound);
    // lead: people who sign in to the web front end.
    public static readonly DomainErrorCode PersonInvalidSignIn = new("person.invalid-sign-in", ErrorKind.Invalid);
    public static readonly DomainErrorCode PersonWeakPassword = new("person.weak-password", ErrorKind.Invalid);
    public static readonly DomainErrorCode PersonInvalidName = new("person.invalid-name", ErrorKind.Invalid);
    public static readonly DomainErrorCode PersonExists = new("person.exists", ErrorKind.Conflict);
    public static readonly DomainErrorCode PersonNotFound = new("person.not-found", ErrorKind.NotFound);
    public static readonly DomainErrorCode PersonLimit = new("person.limit", ErrorKind.Conflict);
    public static readonly DomainErrorCode PersonWrongPassword = new("person.wrong-password", ErrorKind.Forbidden);
    // h1: offering previews and editing an offering's terms.
    public static readonly DomainErrorCode OfferingPreviewPersonal = new("offering.preview-personal", ErrorKind.Invalid);
    public static readonly DomainErrorCode OfferingNoPreview = new("offering.no-preview", ErrorKind.NotFound);
    public static readonly DomainErrorCode OfferingDatasetFixed = new("offering.dataset-fixed", ErrorKind.Invalid);
    public static readonly DomainErrorCode OfferingVersionStale = new("offering.version-stale", ErrorKind.PreconditionFailed);
    public static readonly DomainErrorCode OfferingVersionRequired = new("offering.version-required", ErrorKind.PreconditionRequired);
    // h2: the city evaluation.
    public static readonly DomainErrorCode EvaluationSeriesNotFound = new("evaluation.series-not-found", ErrorKind.NotFound);
    // lead (issue 9): billing.
    public static readonly DomainErrorCode BillingRateInvalid = new("billing.rate-invalid", ErrorKind.Invalid);
    public static readonly DomainErrorCode InvoiceRegistrationInvalid = new("billing.registration-invalid", ErrorKind.Invalid);
    public static readonly DomainErrorCode PeriodNotEnded = new("billing.period-not-ended", ErrorKind.Conflict);
    public static readonly DomainErrorCode PeriodOutOfOrder = new("billing.period-out-of-order", ErrorKind.Conflict);
    public static readonly DomainErrorCode InvoiceNotFound = new("billing.invoice-not-found", ErrorKind.NotFound);
    public static readonly DomainErrorCode ReconciliationNotFound = new("billing.reconciliation-not-found", ErrorKind.NotFound);
    public static readonly DomainErrorCode PeriodNotClosed = new("billing.period-not-closed", ErrorKind.Conflict);
    public static readonly DomainErrorCode WebhookRejected = new("billing.webhook-rejected", ErrorKind.Invalid);
    public static readonly DomainErrorCode BillingAmountOverflow = new("billing.amount-overflow", ErrorKind.Unprocessable);
    public static readonly DomainErrorCode StatementsNotForBuyers = new("billing.statements-not-for-buyers", ErrorKind.Forbidden);
    public static readonly DomainErrorCode BillingServiceAppByOperator = new("billing.service-app-by-operator", ErrorKind.Forbidden);
    public static readonly DomainErrorCode BillingPayoutAccountInvalid = new("billing.payout-account-invalid", ErrorKind.Invalid);
    public static readonly DomainErrorCode WebhookTooLarge = new("billing.webhook-too-large", ErrorKind.TooLarge);
    public static readonly DomainErrorCode TestClockBackwards = new("billing.test-clock-backwards", ErrorKind.Invalid);
    // h4 (issue 9): reconciliation.
    public static readonly DomainErrorCode ReconciliationNotDone = new("billing.reconciliation-not-done", ErrorKind.Conflict);
    // lead (issue 10): consent and personal data.
    public static readonly DomainErrorCode ConsentPurposeUnknown = new("consent.purpose-unknown", ErrorKind.Invalid);
    public static readonly DomainErrorCode ConsentCategoryUnknown = new("consent.category-unknown", ErrorKind.Invalid);
    public static readonly DomainErrorCode ConsentScopeInvalid = new("consent.scope-invalid", ErrorKind.Invalid);
    public static readonly DomainErrorCode ConsentRecipientsRequired = new("consent.recipients-required", ErrorKind.Invalid);
    public static readonly DomainErrorCode ConsentExpiryInvalid = new("consent.expiry-invalid", ErrorKind.Invalid);
    public static readonly DomainErrorCode ConsentTooManyEvents = new("consent.too-many-events", ErrorKind.Conflict);
    public static readonly DomainErrorCode ConsentNotFound = new("consent.not-found", ErrorKind.NotFound);
    public static readonly DomainErrorCode ConsentNotActive = new("consent.not-active", ErrorKind.Conflict);
    public static readonly DomainErrorCode ConsentNotPermittedByNotice = new("consent.not-in-notice", ErrorKind.Invalid);
    public static readonly DomainErrorCode ConsentLimit = new("consent.limit", ErrorKind.Conflict);
    public static readonly DomainErrorCode PersonalItemsInvalid = new("personal.items-invalid", ErrorKind.Invalid);
    public static readonly DomainErrorCode NoticeInvalid = new("notice.invalid", ErrorKind.Invalid);
    public static readonly DomainErrorCode NoticeNotFound = new("notice.not-found", ErrorKind.NotFound);
    public static readonly DomainErrorCode SubjectNotFound = new("subject.not-found", ErrorKind.NotFound);
    public static readonly DomainErrorCode SubjectExists = new("subject.exists", ErrorKind.Conflict);
    public static readonly DomainErrorCode SubjectDeleted = new("subject.deleted", ErrorKind.Conflict);
    public static readonly DomainErrorCode RecipientNotReviewed = new("consent.recipient-not-reviewed", ErrorKind.Forbidden);
    public static readonly DomainErrorCode ReviewInvalid = new("consent.review-invalid", ErrorKind.Invalid);
    public static readonly DomainErrorCode NoticeChanged = new("notice.changed", ErrorKind.Conflict);
    // h1 (issue 10): consent receipts.
    public static readonly DomainErrorCode ReceiptMalformed = new("receipt.malformed", ErrorKind.Invalid);
    public static readonly DomainErrorCode ReceiptTooLarge = new("receipt.too-large", ErrorKind.TooLarge);
    // h2 (issue 10): aggregate-only offerings (k-anonymous statistics) and purpose-specific prices.
    public static readonly DomainErrorCode AggregatePolicyInvalid = new("aggregate.policy-invalid", ErrorKind.Invalid);
    public static readonly DomainErrorCode AggregateNotOffered = new("aggregate.not-offered", ErrorKind.Conflict);
    public static readonly DomainErrorCode AccessAggregateOnly = new("access.aggregate-only", ErrorKind.Forbidden);
    public static readonly DomainErrorCode AggregateGroupByInvalid = new("aggregate.group-by-invalid", ErrorKind.Invalid);
    public static readonly DomainErrorCode AggregateMeasureInvalid = new("aggregate.measure-invalid", ErrorKind.Invalid);
    public static readonly DomainErrorCode AggregateTooManyRows = new("aggregate.too-many-rows", ErrorKind.TooLarge);
    public static readonly DomainErrorCode AggregateTooManyGroups = new("aggregate.too-many-groups", ErrorKind.TooLarge);
    public static readonly DomainErrorCode AggregateMeasureOverflow = new("aggregate.measure-overflow", ErrorKind.Unprocessable);
    public static readonly DomainErrorCode PurposePriceInvalid = new("offering.purpose-price-invalid", ErrorKind.Invalid);
    // h6 (issue 10): buyer certifications and the bank console.
    public static readonly DomainErrorCode CertificationsInvalid = new("party.certifications-invalid", ErrorKind.Invalid);
    // h2 (issue 11): operating the marketplace (health, telemetry).
    public static readonly DomainErrorCode MetricsNotPermitted = new("metrics.not-permitted", ErrorKind.Forbidden);
    // h1 (issue 12): the DCAT-AP catalog's formats and a dataset's coverage.
    public static readonly DomainErrorCode CatalogNotAcceptable = new("catalog.not-acceptable", ErrorKind.NotAcceptable);
    public static readonly DomainErrorCode DatasetInvalidSpatial = new("dataset.invalid-spatial", ErrorKind.Invalid);
    public static readonly DomainErrorCode DatasetInvalidBoundingBox = new("dataset.invalid-bbox", ErrorKind.Invalid);
    public static readonly DomainErrorCode PartyContactInvalid = new("party.contact-invalid", ErrorKind.Invalid);
    // h5 (issue 12): brokered access to a partner city's offerings (partners, relays).
    public static readonly DomainErrorCode PartnerNotFound = new("partner.not-found", ErrorKind.NotFound);
    public static readonly DomainErrorCode PartnerExists = new("partner.exists", ErrorKind.Conflict);
    public static readonly DomainErrorCode PartnerInvalid = new("partner.invalid", ErrorKind.Invalid);
    public static readonly DomainErrorCode PartnerLimit = new("partner.limit", ErrorKind.Conflict);
    public static readonly DomainErrorCode PartnerRefused = new("partner.refused", ErrorKind.Forbidden);
    public static readonly DomainErrorCode PartnerRejectedRequest = new("partner.rejected-request", ErrorKind.Invalid);
    public static readonly DomainErrorCode PartnerQuotaExceeded = new("partner.quota-exceeded", ErrorKind.Quota);
    public static readonly DomainErrorCode RelayNotFound = new("relay.not-found", ErrorKind.NotFound);
    public static readonly DomainErrorCode RelayNotRelayable = new("relay.not-relayable", ErrorKind.Unprocessable);
    public static readonly DomainErrorCode RelayMarginInvalid = new("relay.margin-invalid", ErrorKind.Invalid);
    public static readonly DomainErrorCode RelayNotActive = new("relay.not-active", ErrorKind.Conflict);
    // h3 (issue 12): the City OS feed (NGSI-LD notifications into revisions).
    public static readonly DomainErrorCode NgsiLdFeedInvalid = new("ngsi-ld.feed-invalid", ErrorKind.Invalid);
    public static readonly DomainErrorCode NgsiLdFeedNotAttached = new("ngsi-ld.feed-not-attached", ErrorKind.Conflict);
    public static readonly DomainErrorCode NgsiLdNotificationInvalid = new("ngsi-ld.notification-invalid", ErrorKind.Invalid);
    public static readonly DomainErrorCode NgsiLdEntityInvalid = new("ngsi-ld.entity-invalid", ErrorKind.Unprocessable);
    public static readonly DomainErrorCode NgsiLdUnsupportedMediaType = new("ngsi-ld.unsupported-media-type", ErrorKind.UnsupportedMediaType);
    public static readonly DomainErrorCode NgsiLdTooLarge = new("ngsi-ld.too-large", ErrorKind.TooLarge);
    public static readonly DomainErrorCode NgsiLdIntervalFull = new("ngsi-ld.interval-full", ErrorKind.Unprocessable);
    // h4 (issue 12): harvesting other cities' catalogs.
    public static readonly DomainErrorCode HarvestSourceNotFound = new("harvest.source-not-found", ErrorKind.NotFound);
    public static readonly DomainErrorCode HarvestSourceInvalid = new("harvest.source-invalid", ErrorKind.Invalid);
    public static readonly DomainErrorCode HarvestSourceLimit = new("harvest.source-limit", ErrorKind.Conflict);
    public static readonly DomainErrorCode HarvestRunning = new("harvest.running", ErrorKind.Conflict);
    public static readonly DomainErrorCode HarvestRecordInvalid = new("harvest.record-invalid", ErrorKind.Unprocessable);
    public static readonly DomainErrorCode HarvestSourceUnreadable = new("harvest.source-unreadable", ErrorKind.Unavailable);
    public static readonly DomainErrorCode OfferingHarvested = new("offering.harvested", ErrorKind.Conflict);
}
