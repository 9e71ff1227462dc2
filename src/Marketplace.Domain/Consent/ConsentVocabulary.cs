namespace Marketplace.Domain;

/// <summary>
/// The controlled vocabulary of purposes a person can consent to. A personal offering may permit only these, so that
/// what a buyer declares and what a person agreed to are compared code for code.
/// </summary>
public static class ConsentPurposes
{
    public const string PublicHealthResearch = "public-health-research";
    public const string CityPlanning = "city-planning";
    public const string AcademicResearch = "academic-research";
    public const string ServiceImprovement = "service-improvement";
    public const string CommercialMarketing = "commercial-marketing";
    public const string InsuranceUnderwriting = "insurance-underwriting";

    public static IReadOnlyList<string> All { get; } =
        [PublicHealthResearch, CityPlanning, AcademicResearch, ServiceImprovement, CommercialMarketing, InsuranceUnderwriting];

    public static bool IsKnown(string? purpose) => purpose is not null && All.Contains(purpose, StringComparer.Ordinal);

    /// <summary>Throws unless every purpose is in the vocabulary (named in the message, so the caller can fix it).</summary>
    public static void RequireKnown(IEnumerable<string> purposes, string whose)
    {
        ArgumentNullException.ThrowIfNull(purposes);
        foreach (var purpose in purposes)
        {
            if (!IsKnown(purpose))
            {
                throw new DomainException(ErrorCodes.ConsentPurposeUnknown,
                    $"'{TextBounds.Shorten(purpose)}' is not a purpose {whose} can name; use one of: {string.Join(", ", All)}.");
            }
        }
    }
}

/// <summary>Classes of recipients a person can consent to instead of naming each buyer; the information bank assigns a buyer its class in its review.</summary>
[GenerateSerializer, Alias("Marketplace.RecipientClass")]
public enum RecipientClass
{
    PublicBody,
    Academic,
    Commercial,
}

/// <summary>Categories of personal data: a person can consent for a whole category (every dataset of it at the bank).</summary>
public static class DataCategories
{
    public const string Health = "health";
    public const string Mobility = "mobility";
    public const string Location = "location";
    public const string Demographic = "demographic";
    public const string Lifestyle = "lifestyle";
    public const string Financial = "financial";

    public static IReadOnlyList<string> All { get; } = [Health, Mobility, Location, Demographic, Lifestyle, Financial];

    public static bool IsKnown(string? category) => category is not null && All.Contains(category, StringComparer.Ordinal);
}
