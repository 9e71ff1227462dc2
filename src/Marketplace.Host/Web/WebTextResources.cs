namespace Marketplace.Host.Web;

/// <summary>
/// Every resource pair of the pages (<c>X.resx</c> in English, <c>X.ja.resx</c> in Japanese), by its marker
/// class. The shared strings are <see cref="Text"/>; an area with many strings of its own keeps them in its own
/// pair, so that its strings stay together. A test checks both languages of every pair listed here and that
/// no pair is missing from the list.
/// </summary>
public static class WebTextResources
{
    public static readonly IReadOnlyList<Type> All =
    [
        typeof(Text),
        typeof(Features.Account.AccountText),
        typeof(Features.Catalog.SubscribeText),
        typeof(Features.Console.ConsoleText),
        typeof(Features.Catalog.PreviewText),
        typeof(Features.Console.Operator.OperatorText),
        typeof(Charts.ChartText),
        typeof(Features.Evaluation.EvaluationText),
        typeof(Features.ProviderConsole.ProviderText),
        typeof(Features.Console.Billing.BillingText),
        typeof(Features.Billing.Reconciliations.ReconciliationText),
        typeof(Features.Access.AggregateText),
        typeof(Features.BankConsole.BankConsoleText),
        typeof(Features.SubjectPortal.SubjectPortalText),
        typeof(Features.Catalog.OdrlText),
        typeof(Features.Console.Partners.PartnerText), // h5 (issue 12)
        typeof(Features.ProviderConsole.NgsiLdText), // h3 (issue 12): City OS feed
        typeof(Features.Harvest.HarvestText),
    ];
}
