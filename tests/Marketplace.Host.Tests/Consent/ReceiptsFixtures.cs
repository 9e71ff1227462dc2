using Marketplace.Domain;

namespace Marketplace.Host.Tests.Consent;

/// <summary>A consent record and the notice it was given under, for receipt tests: health data to an academic class and a named buyer in Germany.</summary>
public static class ReceiptsFixtures
{
    public static readonly DateTimeOffset Published = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Given = new(2026, 11, 10, 1, 2, 3, TimeSpan.Zero);

    public static ConsentNotice Notice(int version = 1) => new(
        "notice-health", version, "bank-kita", ConsentScope.ForCategory(DataCategories.Health), "ja", "健診データの研究利用",
        ["steps", "bmi", "blood-pressure"], [ConsentPurposes.PublicHealthResearch, ConsentPurposes.AcademicResearch],
        [
            new NoticeRecipient(null, RecipientClass.Academic, "国内の大学・研究機関", "JP", null),
            new NoticeRecipient("buyer-berlin", RecipientClass.Commercial, "Berlin Gesundheit GmbH", "DE", "EU GDPR (adequacy decision for Japan)"),
        ],
        365, "東京都内のデータセンター", "研究成果の還元と謝礼ポイント", "ポータルの「同意を撤回」ボタン、または窓口へ電話", "privacy@bank-kita.example.jp", Published);

    public static ConsentRecord Record(string recordId = "cr-1", bool sensitive = true) =>
        new ConsentRecord(recordId, "resident-7", "bank-kita", "notice-health", 1, "ja",
            new ConsentTerms(ConsentScope.ForCategory(DataCategories.Health), ["steps", "blood-pressure"], [ConsentPurposes.PublicHealthResearch],
                ["buyer-berlin"], [RecipientClass.Academic], Given.AddDays(365), sensitive),
            []).With(ConsentEventKind.Given, Given, ConsentActor.Subject, "resident-7");
}
