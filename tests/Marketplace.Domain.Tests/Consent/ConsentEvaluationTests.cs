namespace Marketplace.Domain.Tests.Consent;

/// <summary>The consent rule, table by table: scope × items × purpose × recipient × expiry × withdrawal × notice version.</summary>
public sealed class ConsentEvaluationTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.FromHours(9));

    private static readonly PersonalDataProfile Health = new(DataCategories.Health,
    [
        new PersonalDataItem("age", false),
        new PersonalDataItem("sex", false),
        new PersonalDataItem("hba1c", true),
    ]);

    private static ConsentQuestion Question(string dataset = "health-checks", string buyer = "uni-tokyo", RecipientClass? cls = RecipientClass.Academic,
        string purpose = ConsentPurposes.AcademicResearch, DateTimeOffset? now = null) =>
        new(dataset, Health, buyer, cls, purpose, now ?? Now);

    private static ConsentGrant Grant(
        string scope = "dataset:health-checks",
        string[]? items = null,
        string[]? purposes = null,
        string[]? parties = null,
        RecipientClass[]? classes = null,
        DateTimeOffset? expires = null,
        bool sensitive = false,
        DateTimeOffset? withdrawn = null,
        DateTimeOffset? given = null,
        string id = "consent-1") =>
        new(id, "subj-1", "bank", 1,
            new ConsentTerms(ConsentScope.Parse(scope), items ?? [], purposes ?? [ConsentPurposes.AcademicResearch], parties ?? [],
                classes ?? [RecipientClass.Academic], expires ?? Now.AddDays(30), sensitive),
            given ?? Now.AddDays(-1), withdrawn, "notice", 1);

    private static string Covered(ConsentQuestion question, params ConsentGrant[] grants) =>
        string.Join(",", ConsentEvaluation.Evaluate(grants, question).Items);

    [Fact]
    public void Without_any_consent_nothing_is_covered() => Assert.Equal("", Covered(Question()));

    // The decision runs for every person on every page of personal records a buyer reads.
    [Fact]
    public void Deciding_a_persons_coverage_allocates_little_more_than_the_coverage_it_returns()
    {
        var question = Question();
        ConsentGrant[] grants =
        [
            Grant(items: ["age"]),
            Grant(id: "consent-2", purposes: [ConsentPurposes.PublicHealthResearch]),
            Grant(id: "consent-3", items: ["sex", "hba1c"], sensitive: true),
        ];
        Assert.Equal("age,sex,hba1c", string.Join(",", ConsentEvaluation.Evaluate(grants, question).Items));
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            ConsentEvaluation.Evaluate(grants, question);
        }
        var perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / 100;

        Assert.True(perCall <= 200, $"{perCall} bytes allocated per decision");
    }

    public static TheoryData<string, string> Scopes() => new()
    {
        { "dataset:health-checks", "age,sex" },
        { "category:health", "age,sex" },
        { "dataset:journeys", "" },
        { "category:mobility", "" },
    };

    [Theory]
    [MemberData(nameof(Scopes))]
    public void A_consent_covers_its_dataset_or_its_category_only(string scope, string expected) =>
        Assert.Equal(expected, Covered(Question(), Grant(scope: scope)));

    public static TheoryData<string[], bool, string> Items() => new()
    {
        { [], false, "age,sex" },             // no item named: every item but the sensitive ones
        { ["age"], false, "age" },
        { ["age", "hba1c"], false, "age" },   // a sensitive item named without explicit consent is still left out
        { ["hba1c"], true, "hba1c" },
        { [], true, "age,sex,hba1c" },        // explicit consent to sensitive data with every item
        { ["weight"], false, "" },            // an item the dataset does not have covers nothing
    };

    [Theory]
    [MemberData(nameof(Items))]
    public void Items_are_covered_as_named_and_sensitive_ones_only_explicitly(string[] items, bool sensitive, string expected) =>
        Assert.Equal(expected, Covered(Question(), Grant(items: items, sensitive: sensitive)));

    public static TheoryData<string, string> Purposes() => new()
    {
        { ConsentPurposes.AcademicResearch, "age,sex" },
        { ConsentPurposes.CommercialMarketing, "" },
        { ConsentPurposes.InsuranceUnderwriting, "" },
    };

    [Theory]
    [MemberData(nameof(Purposes))]
    public void Only_the_purposes_consented_to_are_covered(string purpose, string expected) =>
        Assert.Equal(expected, Covered(Question(purpose: purpose), Grant()));

    public static TheoryData<string, RecipientClass?, string[], RecipientClass[], string> Recipients() => new()
    {
        { "uni-tokyo", RecipientClass.Academic, [], [RecipientClass.Academic], "age,sex" },
        { "ad-corp", RecipientClass.Commercial, [], [RecipientClass.Academic], "" },
        { "ad-corp", RecipientClass.Commercial, ["ad-corp"], [], "age,sex" },          // named, whatever its class
        { "other-uni", RecipientClass.Academic, ["uni-tokyo"], [], "" },              // named buyers only
        { "uni-tokyo", null, [], [RecipientClass.Academic], "" },                      // a buyer the bank has not classed gets no class consent
        { "city-hall", RecipientClass.PublicBody, [], [RecipientClass.Academic, RecipientClass.PublicBody], "age,sex" },
    };

    [Theory]
    [MemberData(nameof(Recipients))]
    public void A_consent_covers_the_buyers_it_names_and_the_classes_it_names(string buyer, RecipientClass? cls, string[] parties, RecipientClass[] classes, string expected) =>
        Assert.Equal(expected, Covered(Question(buyer: buyer, cls: cls), Grant(parties: parties, classes: classes)));

    public static TheoryData<int, string> Expiries() => new()
    {
        { 1, "age,sex" },
        { 0, "" },   // expiring this very instant: no longer in force
        { -1, "" },
    };

    [Theory]
    [MemberData(nameof(Expiries))]
    public void An_expired_consent_covers_nothing(int secondsLeft, string expected) =>
        Assert.Equal(expected, Covered(Question(), Grant(expires: Now.AddSeconds(secondsLeft))));

    [Fact]
    public void A_withdrawn_consent_covers_nothing_from_the_moment_it_is_withdrawn() =>
        Assert.Equal("", Covered(Question(), Grant(withdrawn: Now.AddSeconds(-1))));

    [Fact]
    public void A_consent_given_after_the_access_does_not_cover_it() =>
        Assert.Equal("", Covered(Question(), Grant(given: Now.AddSeconds(1))));

    [Fact]
    public void Several_consents_add_up_and_the_first_covering_one_is_named()
    {
        var coverage = ConsentEvaluation.Evaluate(
            [
                Grant(id: "c-withdrawn", items: ["hba1c"], sensitive: true, withdrawn: Now.AddMinutes(-5)),
                Grant(id: "c-age", items: ["age"]),
                Grant(id: "c-sex", scope: "category:health", items: ["sex"]),
            ],
            Question());

        Assert.Equal(["age", "sex"], coverage.Items);
        Assert.Equal("c-age", coverage.RecordId);
    }

    private static ConsentNotice Notice(int version, string[] purposes, params NoticeRecipient[] recipients) =>
        new("health-notice", version, "bank", ConsentScope.ForDataset("health-checks"), "ja", "健診結果の提供", [], purposes,
            recipients.Length == 0 ? [new NoticeRecipient(null, RecipientClass.Academic, "大学", "JP", null)] : recipients,
            365, "Tokyo, Japan", "研究成果の還元", "ポータルの「撤回」から", "privacy@bank.example", Now);

    private static ConsentTerms Terms(string[] purposes, RecipientClass[]? classes = null, string[]? parties = null) =>
        new(ConsentScope.ForDataset("health-checks"), [], purposes, parties ?? [], classes ?? [RecipientClass.Academic], Now.AddDays(30), false);

    [Fact]
    public void A_purpose_a_later_notice_version_adds_needs_consent_under_that_version()
    {
        var v1 = Notice(1, [ConsentPurposes.AcademicResearch]);
        var v2 = Notice(2, [ConsentPurposes.AcademicResearch, ConsentPurposes.CommercialMarketing]);
        var wider = Terms([ConsentPurposes.AcademicResearch, ConsentPurposes.CommercialMarketing]);

        Assert.False(v1.Permits(wider, out var why));
        Assert.Contains("commercial-marketing", why, StringComparison.Ordinal);
        Assert.True(v2.Permits(wider, out _));
        Assert.Equal(["purpose commercial-marketing"], v2.AddedSince(v1));
    }

    [Fact]
    public void A_recipient_class_the_notice_does_not_name_cannot_be_consented_to()
    {
        var notice = Notice(1, [ConsentPurposes.AcademicResearch]);

        Assert.False(notice.Permits(Terms([ConsentPurposes.AcademicResearch], [RecipientClass.Commercial]), out var why));
        Assert.Contains("commercial", why, StringComparison.Ordinal);
    }

    [Fact]
    public void A_recipient_outside_Japan_needs_its_privacy_regime_in_the_notice()
    {
        var abroad = Notice(1, [ConsentPurposes.AcademicResearch], new NoticeRecipient("eu-lab", RecipientClass.Academic, "EU Lab", "DE", null));

        var problem = Assert.Throws<DomainException>(abroad.Validate);

        Assert.Contains("privacy regime", problem.Message, StringComparison.Ordinal);
        (abroad with { Recipients = [new NoticeRecipient("eu-lab", RecipientClass.Academic, "EU Lab", "DE", "GDPR (EU adequacy decision, 2019)")] }).Validate();
    }

    [Fact]
    public void Terms_refuse_an_unknown_purpose_no_recipient_and_an_expiry_beyond_five_years()
    {
        Assert.Equal(ErrorCodes.ConsentPurposeUnknown.Value, Assert.Throws<DomainException>(() => Terms(["spying"]).Validate(Now)).Code);
        Assert.Equal(ErrorCodes.ConsentRecipientsRequired.Value, Assert.Throws<DomainException>(() => Terms([ConsentPurposes.CityPlanning], []).Validate(Now)).Code);
        Assert.Equal(ErrorCodes.ConsentExpiryInvalid.Value,
            Assert.Throws<DomainException>(() => (Terms([ConsentPurposes.CityPlanning]) with { ExpiresAt = Now.AddDays(ConsentTerms.MaxDays + 1) }).Validate(Now)).Code);
    }
}
