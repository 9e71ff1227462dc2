namespace Marketplace.Domain;

/// <summary>
/// Whether an offering's page shows a sample of its records (up to <see cref="MaxRows"/>) to whoever may see the
/// offering. The provider decides per offering; left unset, open data shows one and private data does not. Personal
/// data never does: each record belongs to a data subject who consented to named buyers and purposes, not to every
/// visitor, so its page shows the schema and the record count only.
/// </summary>
public static class RecordPreview
{
    /// <summary>The most records a preview shows.</summary>
    public const int MaxRows = 20;

    /// <summary>What an offering shows when its provider has not said: a preview for public data, none otherwise.</summary>
    public static bool DefaultFor(DatasetClass datasetClass) => datasetClass == DatasetClass.Public;

    /// <summary>Whether rows are shown for data of <paramref name="datasetClass"/> under the provider's <paramref name="setting"/> (null: the default).</summary>
    public static bool IsShown(DatasetClass datasetClass, bool? setting) =>
        datasetClass != DatasetClass.Personal && (setting ?? DefaultFor(datasetClass));

    /// <summary>
    /// The provider's setting as it may be stored: null (the class default), off, or on for public and private data.
    /// Turning it on for personal data is refused rather than silently ignored, so the provider learns why.
    /// </summary>
    public static bool? Check(DatasetClass datasetClass, bool? setting)
    {
        if (datasetClass == DatasetClass.Personal && setting == true)
        {
            throw new DomainException(ErrorCodes.OfferingPreviewPersonal,
                "Personal data has no preview: its page shows the schema and the record count only. Leave \"preview\" out or set it to false.");
        }
        return setting;
    }
}
