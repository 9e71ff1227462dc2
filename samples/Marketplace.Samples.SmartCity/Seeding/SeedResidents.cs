using System.Net;
using Marketplace.Client;
using Marketplace.Samples.SmartCity.City;
using Marketplace.Samples.SmartCity.Generation;

namespace Marketplace.Samples.SmartCity.Seeding;

/// <summary>
/// The information bank's residents for the subject portal: the bank publishes its health-checks notice, registers
/// the first <see cref="Count"/> people of the health-checks dataset, and each of them consents (with their own key)
/// to some of the notice's purposes. The first two get portal sign-ins, printed with the other demo people. The rest
/// of the 1,000 have no consent (default deny). A finished run is marked in the keys file and not repeated.
/// </summary>
internal static class SeedResidents
{
    public const int Count = 24;
    public const int WithSignIn = 2;
    public const string BankId = "minato-infobank";
    public const string NoticeId = "health-checks";
    public const string DoneVariable = "RESIDENTS_SEEDED";

    /// <summary>The purposes the residents consent to, in turn: every purpose the notice names is consented to by someone.</summary>
    private static readonly string[][] Choices =
    [
        ["public-health-research", "academic-research"],
        ["public-health-research"],
        ["academic-research"],
        ["public-health-research", "academic-research", "service-improvement"],
        ["insurance-underwriting"],
    ];

    /// <summary>What the keys file keeps for the residents: the demo residents' passwords, then the mark of a finished run.</summary>
    public static IEnumerable<string> Variables =>
        Enumerable.Range(0, WithSignIn).SelectMany(i => new[] { PasswordVariable(i), KeyVariable(i) }).Append(DoneVariable);

    public static string SignInOf(int resident) => $"resident{resident + 1}@{BankId}.example.jp";

    public static string PasswordVariable(int resident) => $"RESIDENT{resident + 1}_PASSWORD";

    /// <summary>The demo resident's own API key, for the README's curl walk-through of a data subject.</summary>
    public static string KeyVariable(int resident) => $"RESIDENT{resident + 1}_KEY";

    /// <summary>The residents who sign in to the subject portal, as rows of the demo sign-in table.</summary>
    public static IEnumerable<(string Party, string SignIn, string Password)> SignIns(KeysFile keys) =>
        Enumerable.Range(0, WithSignIn).Where(i => keys[PasswordVariable(i)] is not null)
            .Select(i => ($"{BankId} (resident {i + 1})", SignInOf(i), keys[PasswordVariable(i)]!));

    public static NoticeRequest Notice { get; } = new(
        Scope: "dataset:health-checks",
        Language: "ja",
        Title: "健診結果の提供について / Your health check results",
        Items: ["age", "sex", "height_cm", "weight_kg", "systolic_bp", "diastolic_bp", "hba1c"],
        Purposes: ["public-health-research", "academic-research", "service-improvement", "insurance-underwriting"],
        Recipients:
        [
            new(null, "public-body", "港未来市 保健所 / City health centre", "JP"),
            new(null, "academic", "審査済みの大学・研究機関 / Reviewed universities", "JP"),
            new(null, "commercial", "審査済みの保険会社 / Reviewed insurers", "JP"),
        ],
        RetentionDays: 365,
        StorageLocation: "東京都内のデータセンター (Tokyo, Japan)",
        Benefit: "地域の健康施策への反映と、提供件数に応じた分配金 / Better local health policy, and a share of what your data earns",
        WithdrawalMethod: "マイページ「わたしの同意」からいつでも撤回 / Withdraw at any time under \"My consents\"",
        Contact: "privacy@minato-infobank.example.jp");

    public static async Task EnsureAsync(MarketplaceClient marketplace, KeysFile keys, TextWriter output, CancellationToken cancellationToken)
    {
        if (keys[DoneVariable] is not null)
        {
            output.WriteLine($"  residents of {BankId}: present, {keys[DoneVariable]} with consents");
            return;
        }
        var bank = marketplace.WithKey(keys[SampleCity.Party(BankId).KeyVariable]
            ?? throw new InvalidOperationException($"No key for {BankId} after its registration."));
        var notice = await bank.PublishNoticeAsync(NoticeId, Notice, cancellationToken);
        var expires = TimeProvider.System.GetUtcNow().AddYears(1);
        var subjects = HealthChecks.Generate().Select(h => h.SubjectId).Distinct(StringComparer.Ordinal).Take(Count).ToList();
        for (var i = 0; i < subjects.Count; i++)
        {
            var resident = await RegisterAsync(marketplace, bank, keys, i, subjects[i], cancellationToken);
            if (i < WithSignIn)
            {
                keys.Save(KeyVariable(i), resident);
            }
            var purposes = Choices[i % Choices.Length];
            var classes = purposes.Contains("insurance-underwriting") ? new[] { "commercial" } : ["public-body", "academic"];
            // Health results are sensitive: every other resident consents explicitly to them, the rest give the other items only.
            var sensitive = i % 2 == 0;
            IReadOnlyList<string> items = sensitive ? [] : [.. Notice.Items.Where(item => item != "hba1c")];
            await marketplace.WithKey(resident).GiveConsentAsync(
                new ConsentRequest(NoticeId, notice.Version, items, purposes, [], classes, expires, sensitive), $"seed-{subjects[i]}", cancellationToken);
        }
        keys.Save(DoneVariable, subjects.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        output.WriteLine($"  residents of {BankId}: {subjects.Count} registered with consents, notice {NoticeId} version {notice.Version}");
    }

    /// <summary>
    /// Registers the resident and answers their API key. A resident with a sign-in whose first registration's answer
    /// was lost is registered again without it (the same person, a new key) and gets a new one-time password.
    /// </summary>
    private static async Task<string> RegisterAsync(MarketplaceClient operatorClient, MarketplaceClient bank, KeysFile keys, int i, string subjectId,
        CancellationToken cancellationToken)
    {
        var displayName = $"住民 {i + 1} (Resident {i + 1})";
        var signIn = i < WithSignIn && keys[PasswordVariable(i)] is null ? SignInOf(i) : null;
        try
        {
            var registered = await bank.RegisterSubjectAsync(new RegisterSubjectRequest(subjectId, displayName, signIn), cancellationToken);
            if (registered.OneTimePassword is { } password)
            {
                keys.Save(PasswordVariable(i), password);
            }
            return registered.ApiKey;
        }
        catch (MarketplaceProblemException e) when (e.Status == HttpStatusCode.Conflict && signIn is not null)
        {
            var again = await bank.RegisterSubjectAsync(new RegisterSubjectRequest(subjectId, displayName), cancellationToken);
            var reset = await operatorClient.ResetPersonPasswordAsync(BankId, signIn, cancellationToken);
            keys.Save(PasswordVariable(i), reset.OneTimePassword);
            return again.ApiKey;
        }
    }
}
