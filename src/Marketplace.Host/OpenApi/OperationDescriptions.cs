namespace Marketplace.Host.OpenApi;

/// <summary>
/// The long description of each operation (by operationId) and of each tag, shown in the API reference below
/// the one-line summary the endpoint declares. An endpoint may instead declare its own with WithDescription.
/// Kept in one table so every operation gets one; OpenApiLintTests fails on an operation without it.
/// </summary>
public static class OperationDescriptions
{
    private static readonly Dictionary<string, string> Operations = new(StringComparer.Ordinal)
    {
        ["SearchCatalog"] = "Full-text and faceted search over listed offerings, open to anyone: without a key it answers every listed public offering (what the web catalog at / shows); a key that is sent must be valid. A buyer also sees the private offerings made to it, and no other buyer's. Answers a page of items with facet counts (class, theme, provider, price model, licence). sort=relevance (the default: best text match first, by title without q), newest (most recently updated first) or price (lowest priceMinor first: what the first billable thing costs in minor units, 0 free; listings whose price is not yet known come last); another value answers 400 naming the valid ones. licence filters by exact licence.",
        ["GetRecords"] = "The brokered read: the contract is checked (status, purpose, end date, quota), a page is read from the current revision (or the revision the cursor pages through), metered, and answered with a cursor for the next page. Units metered are the records returned for record-priced plans.",
        ["CreateParty"] = "Registers an organisation in a role (provider, information-bank, buyer or operator) and answers its first API key. The key is shown only in this answer; store it securely. Sending the same id, role and name again (a retry) answers 201 with another key; the same id with anything else is 409.",
        ["ListParties"] = "Every registered party with its role and status. Operator only.",
        ["WhoAmI"] = "The party, role and status of the API key sent. Useful to check a key works.",
        ["IssueApiKey"] = "Issues an additional API key to a party, for rotation: the operator for any party, a party for itself (another party's id answers 404, as an unknown one). A party holds at most 20 active keys; revoke one first when at the limit. The key is shown only in this answer.",
        ["ListApiKeys"] = "The prefixes of a party's keys, when each was issued and whether (and when) it was revoked. Secrets are never stored or shown. Open to the operator and to the party itself; other callers get 404.",
        ["EnrolPerson"] = "Enrols a person who signs in to the web front end for the party, with their e-mail address as sign-in name (one person per address across the marketplace) and the name others see. The answer holds a one-time password, shown only here: hand it to the person, who changes it after signing in. A party has at most 200 people.",
        ["ListPeople"] = "The people who sign in for a party: sign-in name, display name, when they were enrolled and whether their sign-in is disabled. Never a password or its hash. The operator may list any party's people; a party its own; any other caller gets 404, as for an unknown party.",
        ["ResetPersonPassword"] = "Replaces the person's password with a new one-time password, shown only in this answer; unlocks a locked sign-in and ends every session of the person at once.",
        ["DisablePerson"] = "Stops the person from signing in; every open session ends at the next page they open. Their party and its API keys are unaffected.",
        ["EnablePerson"] = "Lets a disabled person sign in again with their current password.",
        ["RevokeApiKey"] = "Revokes a key at once on this host and within 30 seconds everywhere. The operator may revoke any key; a party may revoke its own. A prefix the party does not hold answers 404, exactly like an unknown one.",
        ["SuspendParty"] = "Suspends a party with a reason shown to it: its keys stop working and no data flows under contracts where it is the buyer or the provider, within 30 seconds. Operators cannot be suspended.",
        ["ReinstateParty"] = "Lifts a suspension: the party's keys and contracts work again within 30 seconds.",
        ["CreateDataset"] = "Declares a dataset: its class (public, private or personal), DCAT metadata and schema. Only an information bank may declare personal data, whose schema must name the subject field. Records are uploaded afterwards as revisions. Sending the same dataset again (a retry) answers 201 with it; the same id with another definition, or another provider's, is 409.",
        ["ListDatasets"] = "The caller's own datasets (provider or information bank), or every dataset (operator).",
        ["GetDataset"] = "A dataset with its metadata, schema and revisions. Other providers' datasets answer 404.",
        ["UploadRevision"] = "Uploads the dataset's records as CSV (text/csv) or JSON Lines (application/x-ndjson). Every row is checked against the schema; if any fails, nothing is stored and the first problems are listed. A successful upload becomes the current revision.",
        ["RetireRevision"] = "Retires a revision so contracts no longer read it; cursors paging through it answer 409 and readers start again on the newest published revision.",
        ["CreateOffering"] = "Offers one of the caller's datasets under a pricing plan (free, flat, per-unit, tiered), a usage policy (purposes, term, quota, redistribution), a visibility and an approval mode. Personal data needs the provider's approval of each contract. The offering starts as a draft. Sending the same offering again (a retry) answers 201 with it; the same id with other terms is 409.",
        ["ListOfferings"] = "The caller's own offerings (provider or information bank), or every offering (operator). Buyers use the catalog.",
        ["GetOffering"] = "One offering with its terms. A buyer sees only listed offerings open to it; anything else answers 404.",
        ["ReviseOffering"] = "Replaces the offering's terms: title, description, pricing plan, usage policy, visibility and named buyers, approval and preview; its dataset cannot change. Checked exactly as on create. Send the whole terms (what GET answers, changed): pricing, policy, visibility and approval are required. Optimistic concurrency: GET answers an ETag (the offering's version in quotes, also its 'version' field) and this PUT must send it in If-Match: without it 428, with a version that is no longer current 412 (nothing changed; read again and reapply); If-Match: * replaces whatever is stored. The same terms again change nothing and answer 200, so a retry is safe. Contracts keep the terms they were made under; new subscriptions get the new ones, and a listed offering's catalog entry follows at once. For its provider and the operator; other providers get 404.",
        ["GetOfferingPreview"] = "Up to 20 records of the dataset's current revision, as stored, with the schema's fields and the revision's record count: what the offering's page shows. Open to anyone who may see the offering, with or without a key (others get 404 as in the catalog). The provider decides per offering; by default public data has a preview and private data none; personal data never has one (its page shows the schema and the record count only). Where there is none the answer is 404 offering.no-preview. Free: not metered and needs no contract.",
        ["PublishOffering"] = "Lists a draft or delisted offering in the catalog. Its dataset needs a published revision.",
        ["DelistOffering"] = "Removes the offering from the catalog; it takes no new subscriptions, while signed contracts keep their terms.",
        ["DownloadOpenData"] = "Downloads a listed, public, free offering of public-class data under an open licence (anything but proprietary) whole, without a key: format=csv (UTF-8, the schema's field order as the header row, RFC 4180 quoting) or format=jsonl (one JSON object a line), streamed from the dataset's current revision as an attachment named after the offering. Never metered or billed; each download is counted on its billing day. An offering the caller may not see answers 404 as in the catalog; a visible one that is not open data answers 404 offering.not-downloadable; another format answers 400.",
        ["GetDownloadCounts"] = "The offering's open-data downloads per billing day (the day in the billing time zone), oldest first, with their total; the most recent 400 days are kept. For the operator and the providing party; anyone else gets 404.",
        ["Subscribe"] = "Opens a contract for the calling buyer with a declared purpose the offering's policy permits. The contract snapshots the offering's terms; it is active at once with automatic approval, or requested until the provider approves. A retry after a failed answer arrives at the contract the first attempt made; a buyer with an open contract for the same purpose gets 409 naming it.",
        ["ListContracts"] = "The contracts the caller is party to: a buyer's own, a provider's on its offerings, or all for the operator; filter by status and offering.",
        ["GetContract"] = "A contract with its terms snapshot, status and the history of every change. Contracts of others answer 404.",
        ["ApproveContract"] = "Moves a requested contract to active. The provider may approve; so may the operator, except for personal data, which only the holding information bank approves.",
        ["RejectContract"] = "Refuses a requested contract for good. The provider or the operator may reject.",
        ["SuspendContract"] = "Pauses an active contract: no data is served until it is resumed. The provider or the operator may suspend.",
        ["ResumeContract"] = "Resumes a suspended contract. The provider may resume; so may the operator, except for personal data.",
        ["TerminateContract"] = "Ends a contract for good. The buyer, the provider or the operator may terminate; a buyer may also withdraw a request.",
        ["GetUsage"] = "Units used and the charge per contract for a billing period (a calendar month in the marketplace's time zone; default the current one).",
        ["ReportUsage"] = "For providers serving data themselves: reports usage events against their contracts. Each event is idempotent by its eventId; events that cannot be accepted are listed with the reason and the rest are recorded.",
        ["GetContractUsage"] = "Units used and the charge of one contract for a billing period, computed with the contract's pricing plan.",
        ["GetCityEvaluation"] = "How the marketplace served the city over a range of billing days (from and to as yyyy-MM-dd in the billing time zone, both included; default the last 30 days ending today; at most 366 days; a range ending after today or reversed answers 400): active contracts now by dataset class, metered usage per day by class and per dataset per day (units in each plan's base quantity, and events), the top 10 datasets by usage, offerings created per day by class, and open-data downloads per day. Daily series list every day of the range, zero where nothing happened. Operator only.",
        ["DownloadCityEvaluationSeries"] = "One series of the city evaluation as CSV (UTF-8, a header row, ISO dates, integers without separators, RFC 4180 quoting), over the same range as GetCityEvaluation: usage-per-day, usage-per-dataset, usage-by-class, top-datasets, active-contracts, new-listings or downloads; a name that is not lower-case letters, digits and hyphens answers 400 series.invalid, another name 404 evaluation.series-not-found. Text cells a spreadsheet would read as a formula (starting with =, +, -, @, a tab or a carriage return) start with an apostrophe. Operator only.",
    };

    private static readonly Dictionary<string, string> Tags = new(StringComparer.Ordinal)
    {
        ["Access"] = "Brokered, metered reads of records under a contract.",
        ["Catalog"] = "Search the listed offerings.",
        ["Contracts"] = "Contracts between buyers and providers, and their lifecycle.",
        ["Evaluation"] = "The city's evaluation of its marketplace: usage, contracts, listings and open-data downloads per day, for operators.",
        ["Datasets"] = "Datasets, their schemas and record revisions.",
        ["Offerings"] = "Offerings of datasets under pricing and policy terms, and subscriptions to them.",
        ["Parties"] = "Providers, information banks, buyers and operators; their API keys and standing.",
        ["Usage"] = "Metered usage and charges per billing period.",
    };

    /// <summary>The operation's description, or its absence spelled out so the lint names the operation.</summary>
    public static string? Of(string operationId) => Operations.GetValueOrDefault(operationId);

    public static string? OfTag(string tag) => Tags.GetValueOrDefault(tag);
}
